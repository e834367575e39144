// Focus rotation: each board in turn is shown large over the map, then the map again, on one timer.
// `?rotate=20` gives every board 20 s; `?rotate=party:30,safety:15` sets boards one by one
// (a board left out is skipped). Any pointer or key interaction pauses it for a minute.
import { onBeforeUnmount, onMounted, readonly, ref } from 'vue';
import { BOARDS, type BoardCode } from '@grid141/shared';

export interface RotationPlan {
  /** Boards in order with their focus time in ms. */
  steps: { code: BoardCode; ms: number }[];
  /** Time the plain wall (map uncovered) shows between two focused boards. */
  gapMs: number;
}

export const PAUSE_AFTER_INTERACTION_MS = 60_000;
const MIN_SECONDS = 5;

function isBoard(code: string): code is BoardCode {
  return BOARDS.some((board) => board.code === code);
}

/** Reads `rotate` from a query string; null when rotation is off or the value is not understood. */
export function parseRotation(search: string): RotationPlan | null {
  const raw = new URLSearchParams(search).get('rotate');
  if (!raw) return null;
  const whole = Number(raw);
  if (Number.isFinite(whole)) {
    if (whole < MIN_SECONDS) return null;
    return { steps: BOARDS.map((board) => ({ code: board.code, ms: whole * 1000 })), gapMs: whole * 1000 };
  }
  const steps: RotationPlan['steps'] = [];
  for (const part of raw.split(',')) {
    const [code, seconds] = part.split(':');
    const value = Number(seconds);
    if (code && isBoard(code) && Number.isFinite(value) && value >= MIN_SECONDS) steps.push({ code, ms: value * 1000 });
  }
  if (steps.length === 0) return null;
  return { steps, gapMs: Math.min(...steps.map((step) => step.ms)) };
}

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
