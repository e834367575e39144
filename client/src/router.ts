import { createRouter, createWebHistory } from 'vue-router';

// Each route is its own chunk: the wall (MapLibre, ECharts) loads only where it is shown.
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'wall', component: () => import('./views/WallView.vue') },
    { path: '/wall', redirect: (to) => ({ path: '/', query: to.query }) },
    { path: '/:rest(.*)*', redirect: (to) => ({ path: '/', query: to.query }) },
  ],
});
