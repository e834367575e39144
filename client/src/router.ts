import { createRouter, createWebHistory } from 'vue-router';
import { pageParams } from './composables/pageParams.ts';

// Each route is its own chunk: the wall (MapLibre, ECharts) loads only where it is shown.
export const router = createRouter({
  history: createWebHistory(`${pageParams.basePath}/`),
  routes: [
    { path: '/', name: 'wall', component: () => import('./views/WallView.vue'), meta: { viewerTokenPage: true } },
    // The weekly report's slides (light print theme), photographed by npm run report and the schedule.
    { path: '/report', name: 'report', component: () => import('./views/ReportView.vue'), meta: { viewerTokenPage: true } },
    { path: '/duty', name: 'duty', component: () => import('./views/DutyQueueView.vue'), meta: { requiresSession: true } },
    { path: '/duty/incidents/:id', name: 'duty-incident', component: () => import('./views/DutyIncidentView.vue'), meta: { requiresSession: true } },
    { path: '/duty/settings', name: 'duty-settings', component: () => import('./views/DutySettingsView.vue'), meta: { requiresSession: true } },
    { path: '/duty/handovers', name: 'duty-handovers', component: () => import('./views/HandoverListView.vue'), meta: { requiresSession: true } },
    { path: '/duty/handovers/:id', name: 'duty-handover', component: () => import('./views/HandoverSheetView.vue'), meta: { requiresSession: true } },
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue') },
    { path: '/admin', name: 'admin', component: () => import('./views/AdminView.vue'), meta: { requiresSession: true } },
    { path: '/wall', redirect: (to) => ({ path: '/', query: to.query }) },
    { path: '/:rest(.*)*', redirect: (to) => ({ path: '/', query: to.query }) },
  ],
});
