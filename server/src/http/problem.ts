// application/problem+json (RFC 9457) answers: the one shape of every API error.
import type { Response } from 'express';
import type { z } from 'zod';
import { PROBLEM_CONTENT_TYPE, type Problem, type ProblemFieldError, type SessionEndReason } from '@grid141/shared';

/** An error a route can throw; the error middleware turns it into problem+json. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: ProblemFieldError[],
    readonly headers?: Record<string, string>,
    /** A 401's Problem.reason: why the request's session ended. */
    readonly reason?: SessionEndReason,
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }
}

export function problemBody(status: number, title: string, detail?: string, errors?: ProblemFieldError[], reason?: SessionEndReason): Problem {
  const body: Problem = { type: 'about:blank', title, status };
  if (detail !== undefined) body.detail = detail;
  if (errors !== undefined && errors.length > 0) body.errors = errors;
  if (reason !== undefined) body.reason = reason;
  return body;
}

export function sendProblem(
  res: Response,
  status: number,
  title: string,
  detail?: string,
  errors?: ProblemFieldError[],
  reason?: SessionEndReason,
): void {
  res.status(status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problemBody(status, title, detail, errors, reason)));
}

/** A dotted path from the top of the body, e.g. "items.3.location.lat"; "(body)" for the whole. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(body)' : path.map((key) => String(key)).join('.');
}

export function zodFieldErrors(error: z.ZodError, prefix: readonly PropertyKey[] = []): ProblemFieldError[] {
  return error.issues.map((issue) => ({ path: issuePath([...prefix, ...issue.path]), message: issue.message }));
}

/** A 400 problem naming every bad field of a zod validation failure. */
export function zodProblem(error: z.ZodError, prefix: readonly PropertyKey[] = []): HttpProblem {
  const errors = zodFieldErrors(error, prefix);
  const detail = errors.length === 1 ? `${errors[0]?.path}: ${errors[0]?.message}` : `${errors.length} fields are invalid`;
  return new HttpProblem(400, 'Invalid request', detail, errors);
}
