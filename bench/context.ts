// What every benchmark gets: the street (for realistic points) and the run's size.
import path from 'node:path';
import { loadStreet, type LoadedStreet } from '../server/src/street/load.ts';
import { REPO_ROOT } from '../tests/helpers/server.ts';
import type { Row } from './lib/report.ts';

export interface BenchContext {
  quick: boolean;
  street: LoadedStreet;
  log(line: string): void;
}

export interface BenchOutput {
  rows: Row[];
  details: Record<string, unknown>;
}

export type Bench = (ctx: BenchContext) => Promise<BenchOutput>;

export async function makeContext(quick: boolean): Promise<BenchContext> {
  const street = await loadStreet(path.join(REPO_ROOT, 'data', 'streets'), 'shiyoulu');
  return { quick, street, log: (line) => process.stderr.write(`[bench] ${line}\n`) };
}
