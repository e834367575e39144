// Pages people sign in to (the desk, the admin pages): when the server refuses the session
// (expired, revoked, never signed in), go to /login with the reason and the way back. The wall
// and other viewer-token pages (route meta `viewerTokenPage`) show their own access screen instead.
import type { Router } from 'vue-router';
import { pageParams } from '../composables/pageParams.ts';
import { onUnauthorized, wasAccepted, type Unauthorized } from './api.ts';
import { isLoginReason, loginAddress } from './loginAddress.ts';

declare module 'vue-router' {
  interface RouteMeta {
    /** The page runs on the viewer token and says itself when it is refused (the wall). */
    viewerTokenPage?: boolean;
    /** A people's page (the desk, /admin): without a session cookie it sends to /login before asking anything. */
    requiresSession?: boolean;
  }
}

/**
 * Installs the redirect for the whole app (main.ts); returns the uninstaller. A page that needs a
 * session and was served without a session cookie (pageParams.sessionCookie) goes to
 * /login?reason=required at once, instead of making requests that can only answer 401.
 */
export function installSessionGuard(router: Router): () => void {
  const removeCheck = router.beforeEach((to) =>
    to.meta.requiresSession && !pageParams.sessionCookie ? loginAddress('required', to.fullPath, '') : true,
  );
  const removeListener = onUnauthorized((event) => void router.isReady().then(() => redirect(router, event)));
  return () => {
    removeCheck();
    removeListener();
  };
}

// After the first navigation: a 401 from a request made at boot (the wall's map prefetch) must
// see the route the page is on, not the router's empty start location. Several 401s at once
// (a page's parallel requests) make one redirect.
let redirecting = false;

function redirect(router: Router, event: Unauthorized): void {
  const route = router.currentRoute.value;
  if (redirecting || route.meta.viewerTokenPage || route.name === 'login') return;
  // The server says why when it knows (expired, revoked); else: the page was in and is not any more, or never was.
  const reason = isLoginReason(event.serverReason) ? event.serverReason : wasAccepted() ? 'ended' : 'required';
  const here = `${window.location.pathname}${window.location.search}${window.location.hash}`;
  redirecting = true;
  void router.replace(loginAddress(reason, here, pageParams.basePath).slice(pageParams.basePath.length)).finally(() => (redirecting = false));
}
