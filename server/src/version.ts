// The release version is the root package.json's, so health and the wall agree with npm.
// The build is the wall's: a deploy that rebuilds the client without a new version still has to
// bring every wall onto the new assets.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './config.ts';

let cached: string | null = null;

export function readVersion(): string {
  cached ??= (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return cached;
}

/** A short hash of the built wall's index.html (it names every hashed asset); null when not built. */
export function readClientBuild(clientDir: string): string | null {
  try {
    return createHash('sha256').update(fs.readFileSync(path.join(clientDir, 'index.html'))).digest('hex').slice(0, 12);
  } catch {
    return null;
  }
}
