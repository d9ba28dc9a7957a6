import { describe, expect, it } from 'vitest';
import { groupCommit, type Settled } from '../../src/store/group-commit.js';

describe('groupCommit', () => {
  it('runs everything submitted in one loop turn as one batch, in order', async () => {
    const batches: number[][] = [];
    const submit = groupCommit((items: number[]) => {
      batches.push(items);
      return items.map((n) => ({ ok: true, value: n * 10 }));
    });
    const first = await Promise.all([submit(1), submit(2), submit(3)]);
    const later = await submit(4);
    expect(first).toEqual([10, 20, 30]);
    expect(later).toBe(40);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('settles nothing before the batch has run (an answer never precedes its commit)', async () => {
    let committed = false;
    const submit = groupCommit((items: string[]) => {
      committed = true;
      return items.map((value) => ({ ok: true, value }));
    });
    const seenAtSettle: boolean[] = [];
    await Promise.all(['a', 'b'].map((x) => submit(x).then(() => seenAtSettle.push(committed))));
    expect(seenAtSettle).toEqual([true, true]);
  });

  it("fails only the items that failed, and every item when the batch itself throws", async () => {
    const one = groupCommit((items: number[]): Settled<number>[] => items.map((n) => (n === 2 ? { ok: false, error: new Error('two') } : { ok: true, value: n })));
    const settled = await Promise.allSettled([one(1), one(2), one(3)]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);

    const all = groupCommit((): Settled<number>[] => {
      throw new Error('disk full');
    });
    const failed = await Promise.allSettled([all(1), all(2)]);
    expect(failed.map((s) => (s.status === 'rejected' ? (s.reason as Error).message : 'ok'))).toEqual(['disk full', 'disk full']);
  });
});
