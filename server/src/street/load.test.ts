// The loader takes the committed street whole, and refuses broken copies with a message naming the file.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadStreet, StreetDataError } from './load.ts';

const streetsDir = fileURLToPath(new URL('../../../data/streets', import.meta.url));
const temps: string[] = [];

// A private copy of the real street, changed by `edit`, so each refusal is tested on real data.
function brokenCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'street-'));
  temps.push(dir);
  cpSync(join(streetsDir, 'shiyoulu'), join(dir, 'shiyoulu'), { recursive: true });
  const path = join(dir, 'shiyoulu', file);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
  return dir;
}

afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function refusal(dataDir: string, streetId = 'shiyoulu'): Promise<StreetDataError> {
  const err = await loadStreet(dataDir, streetId).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(StreetDataError);
  return err as StreetDataError;
}

describe('loadStreet', () => {
  it('loads the committed 石油路 street with its lookup maps', async () => {
    const street = await loadStreet(streetsDir, 'shiyoulu');
    expect(street.meta.name.zh).toBe('石油路街道');
    expect(street.communities.features).toHaveLength(street.meta.communityCount);
    expect(street.grids.features).toHaveLength(122);
    expect(street.microgrids.features).toHaveLength(street.meta.microGridCount);
    expect(street.communityById.get('SYL-C01')?.properties.name).toBe('煤建新村社区');
    expect(street.gridById.get('SYL-C01-G01')?.properties.communityId).toBe('SYL-C01');
    expect(street.pois.features.length).toBeGreaterThan(0);
    expect(street.roads.features.length).toBeGreaterThan(0);
  });

  it('names the missing folder', async () => {
    const err = await refusal(streetsDir, 'no-such-street');
    expect(err.message).toContain('no-such-street');
  });

  it('names the file with broken JSON', async () => {
    const dir = brokenCopy('grids.geojson', (t) => t.slice(0, t.length / 2));
    const err = await refusal(dir);
    expect(err.message).toContain('grids.geojson');
    expect(err.message).toMatch(/not valid JSON/);
  });

  it('names the file and the grid whose community does not exist', async () => {
    const dir = brokenCopy('grids.geojson', (t) => t.replace('"communityId":"SYL-C03"', '"communityId":"SYL-C99"'));
    const err = await refusal(dir);
    expect(err.message).toContain('grids.geojson');
    expect(err.message).toContain('SYL-C99');
  });

  it('names the file with a feature missing its id', async () => {
    const dir = brokenCopy('microgrids.geojson', (t) => t.replace('"id":"SYL-C02-G01-M01",', ''));
    const err = await refusal(dir);
    expect(err.message).toContain('microgrids.geojson');
    expect(err.message).toMatch(/properties\.id/);
  });

  it('names the file when a POI points at a micro-grid that does not exist', async () => {
    const dir = brokenCopy('pois.geojson', (t) => t.replace(/"microGridId":"[^"]+"/, '"microGridId":"SYL-X"'));
    const err = await refusal(dir);
    expect(err.message).toContain('pois.geojson');
    expect(err.message).toContain('SYL-X');
  });

  it('names a missing file', async () => {
    const dir = brokenCopy('roads.geojson', (t) => t);
    rmSync(join(dir, 'shiyoulu', 'roads.geojson'));
    const err = await refusal(dir);
    expect(err.message).toContain('roads.geojson');
  });
});
