// One clock per page for the countdowns, ticking every second while the page is shown.
import { onBeforeUnmount, onMounted, ref } from 'vue';

export function useNow(periodMs = 1000) {
  const now = ref(Date.now());
  let timer: number | null = null;
  onMounted(() => {
    timer = window.setInterval(() => (now.value = Date.now()), periodMs);
  });
  onBeforeUnmount(() => {
    if (timer !== null) window.clearInterval(timer);
  });
  return now;
}
