// `npm start`: build the wall when its build is missing or older than its sources, then
// run the server with the demo feed on, passing signals through and its exit code back.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
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

function buildIsStale() {
  if (!fs.existsSync(builtIndex)) return 'missing';
  const built = fs.statSync(builtIndex).mtimeMs;
  const changed = sources.find((source) => newestMtime(path.join(root, source)) > built);
  return changed ? `older than ${changed}` : null;
}

const stale = buildIsStale();
if (stale) {
  console.log(`grid141: building the wall (client/dist is ${stale})…`);
  const started = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build', '-w', '@grid141/client'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('grid141: the client build failed (see above); the server was not started');
    process.exit(1);
  }
  console.log(`grid141: wall built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const env = { ...process.env, SIMULATE: process.env.SIMULATE ?? '1', HOST: process.env.HOST ?? '127.0.0.1' };
const server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server', 'src', 'main.ts')], {
  cwd: root,
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : 15) : 1));
});
