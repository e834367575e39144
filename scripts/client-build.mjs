// When the wall's build is missing or older than its sources, and how to build it: shared by
// `npm start` (scripts/start.mjs) and the browser tests (tests/helpers/client-build.ts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const builtIndex = path.join(root, 'client', 'dist', 'index.html');
const sources = ['client/src', 'client/public', 'client/index.html', 'client/vite.config.ts', 'client/package.json', 'shared/src'];

function newestMtime(target) {
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** Why the build must be redone ('missing', 'older than client/src'…), or null when it is current. */
export function buildIsStale() {
  if (!fs.existsSync(builtIndex)) return 'missing';
  const built = fs.statSync(builtIndex).mtimeMs;
  const changed = sources.find((source) => newestMtime(path.join(root, source)) > built);
  return changed ? `older than ${changed}` : null;
}

/** Runs `npm run build -w @grid141/client`; returns its exit status. */
export function buildClient(stdio = 'inherit') {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return spawnSync(npm, ['run', 'build', '-w', '@grid141/client'], { cwd: root, stdio }).status ?? 1;
}
