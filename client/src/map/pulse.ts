// How long the ring of a critical incident pulses: from a new alert (or the wall opening and
// being replayed the standing ones) for this long, then it rests as a still ring until the next
// alert. A wall runs for weeks on PCs without a GPU, and an endless CSS animation over the map
// made the browser composite the whole screen every frame (issue 8 §8; docs/client.md).
export const PULSE_MS = 20_000;
