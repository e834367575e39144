// `npm run dev`: the Vite dev server (which forwards /api and /socket.io) and the server
// in watch mode, side by side; Ctrl-C stops both.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = process.env.PORT ?? '8080';
const env = { ...process.env, PORT: port, HOST: process.env.HOST ?? '127.0.0.1', SIMULATE: process.env.SIMULATE ?? '1' };

const children = [
  spawn(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'watch', '--clear-screen=false', 'server/src/main.ts'], { cwd: root, env, stdio: 'inherit' }),
  // Vite itself, not through npm: npm's shell does not pass signals on, and Vite would outlive us.
  spawn(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js')], {
    cwd: path.join(root, 'client'),
    env: { ...process.env, GRID141_BACKEND: `http://127.0.0.1:${port}` },
    stdio: 'inherit',
  }),
];

let exiting = false;
let exitCode = 0;
function stopAll(code) {
  if (exiting) return;
  exiting = true;
  exitCode = code;
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  // Give the server its graceful shutdown, but never hang the terminal.
  setTimeout(() => process.exit(exitCode), 10_000).unref();
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopAll(0));
for (const child of children) {
  child.on('exit', (code) => {
    stopAll(code ?? 1);
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
}
