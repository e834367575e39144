// One owner per chart: init at device pixels of the scaled wall, patch data, follow size, dispose.
import { computed, onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue';
import { echarts, type ChartOption } from '../echarts.ts';
import { chartTheme, type ChartTheme } from '../boards/chartTheme.ts';
import { wallScale } from './useWallScale.ts';
import { useBoardFactor } from '../boards/boardScale.ts';
import { loadEmojiFor } from './emojiFont.ts';

type ECharts = ReturnType<typeof echarts.init>;

export interface ChartSpec {
  /** Axes, styles, series types: set once, and again only when it changes (locale, wall scale). */
  base: (theme: ChartTheme) => ChartOption;
  /** The live part (series data, categories): merged into the chart on every change. */
  data: (theme: ChartTheme) => ChartOption;
}

/** How much the element is scaled on screen by CSS transforms (1 with the --u layout). */
function renderScale(el: HTMLElement): number {
  const drawn = el.getBoundingClientRect().width;
  const layout = el.offsetWidth;
  return layout > 0 && drawn > 0 ? drawn / layout : 1;
}

/** Device pixels per design pixel, so a canvas drawn at design size stays sharp after scaling. */
function pixelRatioFor(el: HTMLElement): number {
  return Math.max(1, Math.round(window.devicePixelRatio * renderScale(el) * 100) / 100);
}

export function useChart(el: Ref<HTMLElement | null>, spec: ChartSpec) {
  const chart = shallowRef<ECharts | null>(null);
  const boardFactor = useBoardFactor();
  const theme = computed(() => chartTheme(wallScale.scale * boardFactor.value));
  const base = computed(() => spec.base(theme.value));
  const data = computed(() => spec.data(theme.value));
  let pixelRatio = 0;
  // Every delta replaces the summary, so most recomputes carry the same data: skip those.
  let lastData = '';
  let frame = 0;
  let observer: ResizeObserver | null = null;

  function create(target: HTMLElement): void {
    pixelRatio = pixelRatioFor(target);
    const instance = echarts.init(target, null, { renderer: 'canvas', devicePixelRatio: pixelRatio });
    instance.setOption(base.value);
    instance.setOption(data.value);
    lastData = JSON.stringify(data.value);
    chart.value = instance;
    redrawWithEmoji(lastData);
  }

  // Text with an emoji (a volunteer team's name) was drawn without the emoji font if its slices
  // were not loaded yet: load them, then draw the chart again from scratch.
  function redrawWithEmoji(text: string): void {
    void loadEmojiFor(text).then((fetched) => {
      const target = el.value;
      if (!fetched || !target || !chart.value) return;
      chart.value.dispose();
      create(target);
    });
  }

  // A scale change does not resize the element, and ECharts cannot change its pixel ratio
  // in place: so re-create the instance then; otherwise just resize it.
  function refit(): void {
    frame = 0;
    const target = el.value;
    const instance = chart.value;
    if (!target || !instance) return;
    if (pixelRatioFor(target) !== pixelRatio) {
      instance.dispose();
      create(target);
    } else {
      instance.resize();
    }
  }

  function scheduleRefit(): void {
    if (frame === 0) frame = requestAnimationFrame(refit);
  }

  onMounted(() => {
    const target = el.value;
    if (!target) return;
    create(target);
    observer = new ResizeObserver(scheduleRefit);
    observer.observe(target);
    window.addEventListener('resize', scheduleRefit);
  });

  watch(base, (option) => chart.value?.setOption(option));
  watch(data, (option) => {
    const json = JSON.stringify(option);
    if (json === lastData || !chart.value) return;
    lastData = json;
    chart.value.setOption(option, { lazyUpdate: true });
    redrawWithEmoji(json);
  });

  onBeforeUnmount(() => {
    if (frame !== 0) cancelAnimationFrame(frame);
    observer?.disconnect();
    window.removeEventListener('resize', scheduleRefit);
    chart.value?.dispose();
    chart.value = null;
  });

  return { chart };
}
