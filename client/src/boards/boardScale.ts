// A board drawn larger than its design size (focus view, spliced walls) scales its own text and
// charts with it, so a 1908-px-wide board on a 5760 wall does not show 14-px labels lost in space.
import { inject, onBeforeUnmount, onMounted, provide, ref, type InjectionKey, type Ref } from 'vue';
import { wallScale } from '../composables/useWallScale.ts';

/** The board size the type scale is designed for (a side column of the 1920×1080 layout). */
export const BOARD_DESIGN = { width: 460, height: 377 };
export const MAX_BOARD_FACTOR = 2;

const BOARD_FACTOR: InjectionKey<Ref<number>> = Symbol('boardFactor');

/** Factor from the board's size in CSS px; in 0.05 steps so charts are not re-styled on every pixel. */
export function boardFactor(widthCss: number, heightCss: number, unit: number): number {
  if (unit <= 0 || widthCss <= 0 || heightCss <= 0) return 1;
  const raw = Math.min(widthCss / unit / BOARD_DESIGN.width, heightCss / unit / BOARD_DESIGN.height);
  return Math.min(MAX_BOARD_FACTOR, Math.max(1, Math.floor(raw * 20) / 20));
}

/** Width over height from which a board lays its charts side by side (see .board-wide). */
export const WIDE_BOARD_RATIO = 1.9;

/** Called by BoardFrame: watches the board's box and provides its factor to the charts inside. */
export function provideBoardFactor(el: Ref<HTMLElement | null>): { factor: Ref<number>; wide: Ref<boolean> } {
  const factor = ref(1);
  const wide = ref(false);
  let observer: ResizeObserver | null = null;
  onMounted(() => {
    const target = el.value;
    if (!target) return;
    observer = new ResizeObserver(() => {
      factor.value = boardFactor(target.clientWidth, target.clientHeight, wallScale.scale);
      wide.value = target.clientHeight > 0 && target.clientWidth / target.clientHeight >= WIDE_BOARD_RATIO;
    });
    observer.observe(target);
  });
  onBeforeUnmount(() => observer?.disconnect());
  provide(BOARD_FACTOR, factor);
  return { factor, wide };
}

/** The factor of the enclosing board (1 outside a board). */
export function useBoardFactor(): Ref<number> {
  return inject(BOARD_FACTOR, ref(1));
}
