// `npm run gen:street [-- --out DIR | --out=DIR]`: writes the synthetic 石油路 twin (deterministic, byte-identical per run).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStreetFiles } from './lib/street-model.ts';

const defaultOut = fileURLToPath(new URL('../data/streets/shiyoulu', import.meta.url));
const outFlag = process.argv.indexOf('--out');
// --out=DIR as well as --out DIR, as every command of the project takes (a value may begin with "-").
const outInline = process.argv.find((a) => a.startsWith('--out='))?.slice('--out='.length);
const outArg = outInline ?? (outFlag >= 0 ? process.argv[outFlag + 1] : undefined);
const outDir = outArg ? resolve(outArg) : defaultOut;

mkdirSync(outDir, { recursive: true });
for (const [name, text] of Object.entries(buildStreetFiles())) {
  writeFileSync(join(outDir, name), text);
  console.log(`${name.padEnd(20)} ${(Buffer.byteLength(text) / 1024).toFixed(1).padStart(8)} KB`);
}
console.log(`written to ${outDir}`);
