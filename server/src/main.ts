// The server process: configuration, start, the banner, and a graceful stop on signals.
import path from 'node:path';
import { ConfigError, REPO_ROOT, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import type { RunningServer } from './app.ts';
import { CREDENTIALS_FILE } from './auth/credentials.ts';

function fail(line: string): never {
  process.stderr.write(`grid141: ${line}\n`);
  process.exit(1);
}

function printBanner(server: RunningServer): void {
  const { config, credentials } = server.ctx;
  const lines = [
    '',
    `Grid141 is serving street ${config.streetId} at ${server.url}`,
    `  wall:  ${server.url}/?token=${credentials.viewerToken}`,
    `  sign in: ${server.url}/login (user admin)`,
  ];
  if (server.generatedCredentials.length > 0) {
    lines.push('  generated credentials (shown once; kept in ' + path.join(config.dataDir, CREDENTIALS_FILE) + '):');
    if (server.generatedCredentials.includes('ingestKey')) lines.push(`    INGEST_API_KEY  ${credentials.ingestKey}`);
    if (server.generatedCredentials.includes('viewerToken')) lines.push(`    VIEWER_TOKEN    ${credentials.viewerToken}`);
    if (server.generatedCredentials.includes('adminPassword')) lines.push(`    admin password  ${credentials.adminPassword}  (user admin)`);
  } else {
    lines.push(`  credentials: from the environment or ${path.join(config.dataDir, CREDENTIALS_FILE)}`);
  }
  lines.push('');
  process.stdout.write(lines.join('\n') + '\n');
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const logger = createLogger(config.logLevel);
  // Loaded after the configuration is checked, so a bad setting is reported at once.
  const { startServer } = await import('./app.ts');
  const { plugins } = await import('./plugins.ts');
  let server: RunningServer;
  try {
    server = await startServer(config, logger, { plugins, clientDir: process.env.CLIENT_DIST ?? path.join(REPO_ROOT, 'client', 'dist') });
  } catch (error) {
    // Start-up failures (locked DATA_DIR, bad street data, port in use) are one line, not a stack.
    logger.debug({ err: error }, 'start failed');
    fail(error instanceof Error ? error.message : String(error));
  }
  printBanner(server);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // A stuck hook must not keep the process alive forever.
    setTimeout(() => fail('shutdown took longer than 15 s'), 15_000).unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => fail(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
