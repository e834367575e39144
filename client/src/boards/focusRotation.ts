// Focus rotation: each board in turn is shown large over the map, then the map again, on one timer.
// The plan comes from `?rotate=` or the server's WALL_ROTATE (parseRotation in shared: `20` gives
// every board 20 s, `party:30,safety:15` sets boards one by one). Any pointer or key interaction
// pauses it for a minute.
import { onBeforeUnmount, onMounted, readonly, ref } from 'vue';
import type { BoardCode, RotationPlan } from '@grid141/shared';

export const PAUSE_AFTER_INTERACTION_MS = 60_000;

const focused = ref<BoardCode | null>(null);

/** Which board is in focus now (null: none). Boards read this; only the owner writes it. */
export const focusedBoard = readonly(focused);

/** Call once (FocusStage): owns the rotation's only timer and its interaction listeners. */
export function useFocusRotation(plan: RotationPlan | null) {
  let timer: number | undefined;
  let index = -1;

  function schedule(ms: number, next: () => void): void {
    window.clearTimeout(timer);
    timer = window.setTimeout(next, ms);
  }

  // Alternates: board i focused, then the plain wall, then board i+1…
  function advance(): void {
    if (!plan) return;
    if (focused.value !== null) {
      focused.value = null;
      schedule(plan.gapMs, advance);
      return;
    }
    index = (index + 1) % plan.steps.length;
    const step = plan.steps[index];
    if (!step) return;
    focused.value = step.code;
    schedule(step.ms, advance);
  }

  function onInteraction(): void {
    if (!plan) return;
    focused.value = null;
    schedule(PAUSE_AFTER_INTERACTION_MS, advance);
  }

  const events = ['pointerdown', 'pointermove', 'wheel', 'keydown'] as const;

  onMounted(() => {
    if (!plan) return;
    for (const name of events) window.addEventListener(name, onInteraction, { passive: true });
    schedule(plan.gapMs, advance);
  });

  onBeforeUnmount(() => {
    window.clearTimeout(timer);
    timer = undefined;
    for (const name of events) window.removeEventListener(name, onInteraction);
    focused.value = null;
  });

  return { focused: focusedBoard };
}
