// The release version is the root package.json's, so health and the wall agree with npm.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './config.ts';

let cached: string | null = null;

export function readVersion(): string {
  cached ??= (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
