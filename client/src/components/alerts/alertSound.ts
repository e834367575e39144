// A short two-tone chime made with WebAudio (no file fetched); off unless the operator turns it on.
import { onBeforeUnmount, readonly, ref, watch } from 'vue';

const STORAGE_KEY = 'grid141.alertSound';

function readSetting(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'on';
  } catch {
    return false; // storage disabled in a locked-down kiosk browser
  }
}

function writeSetting(on: boolean): void {
  try {
    localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
  } catch {
    // not remembered, but still works for this session
  }
}

/** The operator's choice, shared by the toggle (in the strip) and the chime (in the alert layer). */
const enabled = ref(readSetting());
watch(enabled, writeSetting);

export function toggleAlertSound(): void {
  enabled.value = !enabled.value;
}

export const alertSoundEnabled = readonly(enabled);

/** Owns one AudioContext for as long as the calling component (the alert layer) lives. */
export function useAlertSound() {
  let context: AudioContext | null = null;

  function audio(): AudioContext | null {
    if (!context && typeof AudioContext !== 'undefined') context = new AudioContext();
    if (context?.state === 'suspended') void context.resume().catch(() => undefined);
    return context;
  }

  function tone(ctx: AudioContext, frequency: number, start: number, duration: number): void {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + duration);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start);
    osc.stop(start + duration + 0.02);
    osc.onended = () => gain.disconnect();
  }

  function chime(): void {
    if (!enabled.value) return;
    const ctx = audio();
    if (!ctx) return;
    const now = ctx.currentTime;
    tone(ctx, 880, now, 0.18);
    tone(ctx, 1175, now + 0.22, 0.24);
  }

  // Turning it on is the user gesture browsers require before audio may start: chime once then.
  watch(enabled, (on) => {
    if (on) chime();
  });

  onBeforeUnmount(() => {
    void context?.close().catch(() => undefined);
    context = null;
  });

  return { chime };
}
