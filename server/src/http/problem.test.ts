import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemBody, zodProblem } from './problem.ts';

describe('zodProblem', () => {
  const schema = z.object({ items: z.array(z.object({ location: z.object({ lat: z.number().max(90) }) })) });

  it('names each bad field by its dotted path from the top of the body', () => {
    const result = schema.safeParse({ items: [{ location: { lat: 1 } }, { location: { lat: 100 } }, {}] });
    expect(result.success).toBe(false);
    const problem = zodProblem(result.error!);
    expect(problem.status).toBe(400);
    expect(problem.errors?.map((e) => e.path)).toEqual(['items.1.location.lat', 'items.2.location']);
  });

  it('prefixes paths for an item of a batch and names the whole body as (body)', () => {
    const bad = z.number().safeParse('x');
    expect(zodProblem(bad.error!, ['items', 4]).errors?.[0]?.path).toBe('items.4');
    expect(zodProblem(bad.error!).errors?.[0]?.path).toBe('(body)');
  });
});

describe('problemBody', () => {
  it('leaves out empty errors and an absent detail', () => {
    expect(problemBody(404, 'Not found')).toEqual({ type: 'about:blank', title: 'Not found', status: 404 });
  });
});
