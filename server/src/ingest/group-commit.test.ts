import { describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit.ts';

describe('group commit', () => {
  it('writes calls that arrive during a write together, and answers each with its own rows', async () => {
    const statements: number[][] = [];
    const write = groupCommit(async (rows: number[]) => {
      statements.push(rows);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return rows.map((n) => n * 10);
    });
    const answers = await Promise.all([write([1]), write([2, 3]), write([4]), write([5])]);
    expect(answers).toEqual([[10], [20, 30], [40], [50]]);
    // The first call goes alone; the three that came while it was written share one statement.
    expect(statements).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('never puts more than maxRows in a statement and never splits a call', async () => {
    const statements: number[][] = [];
    const write = groupCommit(async (rows: number[]) => {
      statements.push(rows);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return rows;
    }, 3);
    await Promise.all([write([1]), write([2, 3]), write([4, 5]), write([6])]);
    expect(statements).toEqual([[1], [2, 3], [4, 5, 6]]);
  });

  it('fails every call of a failed statement, and goes on with the next ones', async () => {
    let first = true;
    const write = groupCommit(async (rows: number[]) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (first) {
        first = false;
        throw new Error('disk full');
      }
      return rows;
    });
    const a = write([1]);
    const b = write([2]);
    await expect(a).rejects.toThrow('disk full');
    await expect(b).resolves.toEqual([2]);
  });
});
