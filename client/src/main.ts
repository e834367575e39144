import { createApp } from 'vue';
import { createPinia } from 'pinia';
import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
// Last fallback for emoji in names (kiosk images often have no emoji font): see theme.css --font.
import '@fontsource/noto-emoji/400.css';
import './styles/theme.css';
import './styles/base.css';
import App from './App.vue';
import { router } from './router.ts';
import { i18n } from './i18n/index.ts';
import { prefetchStreetGeo } from './map/geoData.ts';
import { installSessionGuard } from './live/sessionGuard.ts';
import { pageParams } from './composables/pageParams.ts';

// Pages that draw the street's map (the wall, the report, an incident on the desk, and any other
// address, which goes to the wall): fetch its data at once. Not /login, /admin or the desk's lists,
// which draw none (and, signed out, would only log five 401s), nor a desk incident opened without a
// session cookie (it goes to /login before asking anything: installSessionGuard).
const firstPath = window.location.pathname.slice(pageParams.basePath.length);
const deskIncident = firstPath.startsWith('/duty/incidents/');
if (deskIncident ? pageParams.sessionCookie : !/^\/(login|admin|duty)(\/|$)/.test(firstPath)) prefetchStreetGeo();

// A refused session on a signed-in page goes to /login with why and the way back (not on the wall).
installSessionGuard(router);

createApp(App).use(createPinia()).use(router).use(i18n).mount('#app');
