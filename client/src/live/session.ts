// Who is signed in, signing in and out: the one session helper of the people's pages (login,
// desk, admin). The session is an HttpOnly cookie the browser sends by itself; pages never see it.
import { ref } from 'vue';
import type { SessionInfo } from '@grid141/shared';
import { requestJson } from './api.ts';
import { safeReturnPath } from './loginAddress.ts';

/** The signed-in person, null when nobody is (or not asked yet). */
export const currentSession = ref<SessionInfo | null>(null);

/** Asks the server who is signed in (GET /api/v1/session); null when nobody. */
export async function whoAmI(): Promise<SessionInfo | null> {
  const answer = await requestJson<SessionInfo>('GET', '/api/v1/session');
  currentSession.value = answer.ok ? answer.body : null;
  return currentSession.value;
}

export type SignInResult =
  | { ok: true; session: SessionInfo }
  | { ok: false; status: number; retryAfterS: number | null; detail: string | null };

/** POST /api/v1/session: 200 signed in; 401 wrong name or password; 429 wait; 423 locked. */
export async function signIn(username: string, password: string): Promise<SignInResult> {
  const answer = await requestJson<SessionInfo & { detail?: string }>('POST', '/api/v1/session', { username, password });
  if (answer.ok) {
    currentSession.value = answer.body;
    return { ok: true, session: answer.body };
  }
  return { ok: false, status: answer.status, retryAfterS: answer.retryAfter, detail: typeof answer.body?.detail === 'string' ? answer.body.detail : null };
}

/** DELETE /api/v1/session: the server revokes the session and clears the cookie. */
export async function signOut(): Promise<void> {
  await requestJson('DELETE', '/api/v1/session');
  currentSession.value = null;
}

/** Where to go after signing in: only a path on this site (safeReturnPath: never `//host`, a URL, or a control character that parsing turns into one), else `fallback`. */
export function safeNext(next: unknown, fallback: string): string {
  return safeReturnPath(next) ?? fallback;
}
