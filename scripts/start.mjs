// `npm start`: build the wall when its build is missing or older than its sources, then
// run the server with the demo feed on, passing signals through and its exit code back.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildClient, buildIsStale, root } from './client-build.mjs';

const stale = buildIsStale();
if (stale) {
  console.log(`grid141: building the wall (client/dist is ${stale})…`);
  const started = Date.now();
  if (buildClient() !== 0) {
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
