// Numbers ease to their new value; every animated number shares one rAF loop that stops when idle.
import { onBeforeUnmount, ref, watch, type Ref, type WatchSource } from 'vue';

interface Tween {
  from: number;
  to: number;
  start: number;
  shown: Ref<number | null>;
}

const DURATION_MS = 800;
const tweens = new Set<Tween>();
let frame = 0;

function easeOut(t: number): number {
  return 1 - (1 - t) ** 3;
}

function step(now: number): void {
  for (const tween of tweens) {
    const t = Math.min(1, (now - tween.start) / DURATION_MS);
    tween.shown.value = tween.from + (tween.to - tween.from) * easeOut(t);
    if (t >= 1) tweens.delete(tween);
  }
  frame = tweens.size > 0 ? requestAnimationFrame(step) : 0;
}

/** How many animations are running (for soak tests: should fall to 0 when figures are still). */
export function activeNumberAnimations(): number {
  return tweens.size;
}

export function useAnimatedNumber(source: WatchSource<number | null | undefined>): Ref<number | null> {
  const shown = ref<number | null>(null);
  let tween: Tween | null = null;

  const stop = watch(
    source,
    (target) => {
      if (tween) tweens.delete(tween);
      tween = null;
      if (target === null || target === undefined || !Number.isFinite(target)) {
        shown.value = null;
        return;
      }
      // No animation from nothing, nor in a hidden tab (rAF would not run there anyway).
      if (shown.value === null || document.hidden) {
        shown.value = target;
        return;
      }
      tween = { from: shown.value, to: target, start: performance.now(), shown };
      tweens.add(tween);
      if (frame === 0) frame = requestAnimationFrame(step);
    },
    { immediate: true },
  );
  onBeforeUnmount(() => {
    stop();
    if (tween) tweens.delete(tween);
  });
  return shown;
}
