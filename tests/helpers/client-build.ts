// Browser tests need the built wall: build it once per run when client/dist is missing or older
// than its sources (the same rule as `npm start`, from scripts/client-build.mjs).
import { buildClient, buildIsStale } from '../../scripts/client-build.mjs';

let checked = false;

/** Builds the client if needed (call from beforeAll); throws with the build's reason on failure. */
export function ensureClientBuilt(): void {
  if (checked) return;
  const stale = buildIsStale();
  if (stale) {
    const started = Date.now();
    console.log(`browser tests: building the wall (client/dist is ${stale})…`);
    if (buildClient() !== 0) throw new Error(`the client build failed (client/dist was ${stale}); its output is above`);
    console.log(`browser tests: wall built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  checked = true;
}
