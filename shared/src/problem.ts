// application/problem+json (RFC 9457) bodies, as every error of the HTTP API is sent.
export interface ProblemFieldError {
  /** The field, as a dotted path from the top of the body (e.g. "items.3.location.lat"). */
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: ProblemFieldError[];
  /**
   * A 401 to a request whose session cookie the server once gave out: why it ended, 'expired'
   * (idle or absolute time) or 'revoked' (signed out, a new password, the user disabled). The
   * pages people sign in to say it on /login (docs/security.md). Absent when unknown.
   */
  reason?: SessionEndReason;
}

/** Why a session the server gave out is no longer accepted (Problem.reason). */
export type SessionEndReason = 'expired' | 'revoked';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
