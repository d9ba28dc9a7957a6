import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../src/store/checkpointer.js';
import { openDatabase } from '../../src/store/database.js';
import { tempDir } from '../support/server.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('background checkpointer', () => {
  it('moves the WAL into the database file while the writer does not checkpoint at all', async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    const path = join(dir, 'a.db');
    const db = openDatabase(path, { backgroundCheckpoints: true });
    cleanup.push(() => db.close());
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(10000);
    db.pragma('wal_autocheckpoint = 0'); // only the worker may checkpoint in this test
    db.exec('CREATE TABLE t (x TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(2000));
    const before = statSync(path).size;

    const checkpointer = startCheckpointer(path, { sync: 'normal', everyMs: 10 });
    // Wait for the worker's effect (no timing is asserted): the file grows by the copied pages.
    while (statSync(path).size === before) await new Promise((r) => setTimeout(r, 10));
    await checkpointer.stop();
    const [{ log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    expect(checkpointed).toBe(log);
    expect(statSync(path).size).toBeGreaterThan(before + 200 * 2000);
  });

  it('stops and lets go of the file when asked, even twice', async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    const path = join(dir, 'b.db');
    openDatabase(path).close();
    const checkpointer = startCheckpointer(path, { sync: 'full' });
    await checkpointer.stop();
    await checkpointer.stop();
  });
});
