import { createRouter, createWebHistory } from 'vue-router';
import { pageParams } from './composables/pageParams.ts';

// Each route is its own chunk: the wall (MapLibre, ECharts) loads only where it is shown.
export const router = createRouter({
  history: createWebHistory(`${pageParams.basePath}/`),
  routes: [
    { path: '/', name: 'wall', component: () => import('./views/WallView.vue') },
    { path: '/wall', redirect: (to) => ({ path: '/', query: to.query }) },
    { path: '/:rest(.*)*', redirect: (to) => ({ path: '/', query: to.query }) },
  ],
});
