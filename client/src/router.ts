import { createRouter, createWebHistory } from 'vue-router';
import { pageParams } from './composables/pageParams.ts';

// Each route is its own chunk: the wall (MapLibre, ECharts) loads only where it is shown.
export const router = createRouter({
  history: createWebHistory(`${pageParams.basePath}/`),
  routes: [
    { path: '/', name: 'wall', component: () => import('./views/WallView.vue') },
    // The weekly report's slides (light print theme), photographed by npm run report and the schedule.
    { path: '/report', name: 'report', component: () => import('./views/ReportView.vue') },
    { path: '/wall', redirect: (to) => ({ path: '/', query: to.query }) },
    { path: '/:rest(.*)*', redirect: (to) => ({ path: '/', query: to.query }) },
  ],
});
