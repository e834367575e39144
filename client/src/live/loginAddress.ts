// Where a page sends a person whose session the server refused, and where sign-in sends them
// back: pure, so the desk, the admin pages and /login agree on one shape (docs/security.md).

/**
 * Why the sign-in page is shown; the page says it in one line (i18n `session.reason.*`).
 * expired / revoked: the server said so; ended: this page was signed in and the server stopped
 * accepting it without saying why; signed-out: the person signed out; required: never signed in.
 */
export const LOGIN_REASONS = ['expired', 'revoked', 'ended', 'signed-out', 'required'] as const;
export type LoginReason = (typeof LOGIN_REASONS)[number];

export function isLoginReason(value: unknown): value is LoginReason {
  return typeof value === 'string' && (LOGIN_REASONS as readonly string[]).includes(value);
}

/**
 * `/login?reason=expired&next=/duty/42?tab=history` under BASE_PATH: `here` is the current
 * address path (with BASE_PATH, as in `location.pathname + search + hash`); `next` is kept
 * relative to BASE_PATH so the router can go back to it. A page that is already /login keeps its
 * own `next`.
 */
export function loginAddress(reason: LoginReason, here: string, basePath: string): string {
  const inside = here.startsWith(`${basePath}/`) ? here.slice(basePath.length) : here === basePath ? '/' : here;
  const query = new URLSearchParams({ reason });
  const current = new URL(inside, 'http://x');
  if (current.pathname === '/login') {
    const kept = current.searchParams.get('next');
    const safe = safeReturnPath(kept);
    if (safe) query.set('next', safe);
  } else if (inside !== '/') {
    query.set('next', inside);
  }
  return `${basePath}/login?${query.toString()}`;
}

/**
 * The `next` of /login if it is safe to follow: a path inside Grid141 ('/duty/42?x=1#h'), never
 * another site (`//evil.example`, `/\\evil.example`, `/<tab>/evil.example` which URL parsing turns
 * into `//evil.example`, `https://…`, `javascript:`), never /login itself; null otherwise.
 */
export function safeReturnPath(raw: unknown): string | null {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return null;
  // Control characters and backslashes are how browsers are talked into another origin.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return null;
  const url = new URL(raw, 'http://grid141.invalid');
  if (url.origin !== 'http://grid141.invalid' || url.pathname === '/login') return null;
  return `${url.pathname}${url.search}${url.hash}`;
}
