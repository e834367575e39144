import { describe, expect, it } from 'vitest';
import { watchMapVersion } from './mapVersion.ts';

describe('the map version a wall loaded', () => {
  it('reloads once when the server names another map, not for the one it loaded or for none', () => {
    let reloads = 0;
    const note = watchMapVersion(() => (reloads += 1));
    note(undefined);
    note('aaaa');
    note('aaaa');
    note(null);
    expect(reloads).toBe(0);
    note('bbbb');
    note('cccc');
    expect(reloads).toBe(1);
  });
});
