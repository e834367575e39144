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
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
