import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { countOlderThan, purgeBatch, purgeOlderThan, scheduleRetention } from '../../src/store/retention.js';
import { sms, startTestServer, tempDir, type TestServer } from '../support/server.js';

const rules = `
version: 1
rules:
  - name: stop
    match: { keyword: STOP }
    reply: null
  - name: hi
    reply: ["one", "two"]
`;
const day = 86_400_000;
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

/** A database filled through the real webhook: `ages` in days before `now`. */
async function filled(ages: number[], now: number, extra: Record<string, string> = {}): Promise<TestServer> {
  const s = await startTestServer(rules, extra, new Date(now - 400 * day).toISOString());
  cleanup.push(() => s.stop());
  for (const ago of ages) {
    s.clock.set(new Date(now - ago * day));
    expect((await s.post(sms({ From: `+4917000${ago}` }))).status).toBe(200);
  }
  return s;
}

function counts(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const n = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    return { messages: n('messages'), replies: n('replies'), opt_outs: n('opt_outs'), rule_sets: n('rule_sets') };
  } finally {
    db.close();
  }
}

describe('purging old messages', () => {
  it('deletes in batches of the given size, oldest first, with their replies', async () => {
    const now = Date.parse('2026-12-02T10:00:00Z');
    const s = await filled([300, 200, 100, 95, 91, 10], now);
    const cutoff = new Date(now - 90 * day);
    expect(countOlderThan(s.store.db, cutoff)).toEqual({ messages: 5, replies: 10 });
    expect(purgeBatch(s.store.db, cutoff, 2)).toEqual({ messages: 2, replies: 4 });
    const left = s.store.db.prepare('SELECT from_number FROM messages ORDER BY received_at').all() as { from_number: string }[];
    expect(left.map((r) => r.from_number)).toEqual(['+4917000100', '+491700095', '+491700091', '+491700010']);
    expect(await purgeOlderThan(s.store.db, cutoff, { batchSize: 2 })).toEqual({ messages: 3, replies: 6 });
    expect(counts(s.config.databasePath)).toMatchObject({ messages: 1, replies: 2 });
    // Nothing points at a deleted message.
    expect(s.store.db.prepare('SELECT count(*) AS n FROM replies WHERE message_sid NOT IN (SELECT message_sid FROM messages)').get()).toEqual({ n: 0 });
  });

  it('lets other work run between batches', async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    const db = openDatabase(join(dir, 'a.db'));
    cleanup.push(() => db.close());
    const insert = db.prepare(
      `INSERT INTO messages (message_sid, received_at, from_number, to_number, body, params, outcome, response_xml, last_delivery_at)
       VALUES (?, '2020-01-01T00:00:00.000Z', '+1', '+2', 'x', '{}', 'no_match', '<Response/>', '2020-01-01T00:00:00.000Z')`,
    );
    db.transaction(() => {
      for (let i = 0; i < 1200; i++) insert.run(`SM${i}`);
    })();
    const events: string[] = [];
    const purging = purgeOlderThan(db, new Date('2021-01-01T00:00:00Z'), {
      batchSize: 500,
      shouldStop: () => {
        events.push('batch');
        return false;
      },
    });
    setImmediate(() => events.push('other work'));
    const n = await purging;
    expect(n).toEqual({ messages: 1200, replies: 0 });
    // 500 + 500 + 200, and work queued meanwhile ran before the purge finished.
    expect(events.filter((e) => e === 'batch')).toHaveLength(3);
    expect(events.indexOf('other work')).toBeGreaterThan(0);
    expect(events.indexOf('other work')).toBeLessThan(3);
  });

  it('RETENTION_DAYS removes old messages at startup, keeping opt-outs and rules history', async () => {
    const now = Date.parse('2026-12-02T10:00:00Z');
    const s = await filled([120, 60, 5], now);
    s.clock.set(new Date(now - 200 * day));
    await s.post(sms({ Body: 'STOP' }));
    const path = s.config.databasePath;
    await s.close();
    expect(counts(path)).toMatchObject({ messages: 4, opt_outs: 1 });

    const r = await startTestServer(rules, { DATABASE_PATH: path, RETENTION_DAYS: '30' }, new Date(now).toISOString());
    cleanup.push(() => r.stop());
    await vi.waitFor(() => expect(counts(path).messages).toBe(1), { timeout: 5000, interval: 20 });
    expect(counts(path)).toEqual({ messages: 1, replies: 2, opt_outs: 1, rule_sets: 1 });
  });

  it('the daily schedule stops cleanly', async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    const db = openDatabase(join(dir, 'b.db'));
    const stop = scheduleRetention(() => db, 30, () => new Date(), pino({ level: 'silent' }));
    await stop();
    db.close();
  });
});
