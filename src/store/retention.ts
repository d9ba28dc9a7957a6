// Deleting old messages and their replies: `autoreply purge` by hand, RETENTION_DAYS in the
// server. Both delete in small batches so a busy server never waits long for the write lock.
// Opt-outs, rules versions and load attempts are kept: they are consent and audit records.
import type { Logger } from 'pino';
import type { Db } from './database.js';

export const purgeBatchSize = 500;

export interface PurgeCount {
  messages: number;
  replies: number;
}

/** How many rows a purge of everything received before `cutoff` would remove. */
export function countOlderThan(db: Db, cutoff: Date): PurgeCount {
  const iso = cutoff.toISOString();
  const messages = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM messages WHERE received_at < ?').get(iso)!.n;
  const replies = db
    .prepare<[string], { n: number }>('SELECT count(*) AS n FROM replies WHERE message_sid IN (SELECT message_sid FROM messages WHERE received_at < ?)')
    .get(iso)!.n;
  return { messages, replies };
}

/** Deletes at most `limit` of the oldest messages received before `cutoff`, with their replies, in one transaction. */
export function purgeBatch(db: Db, cutoff: Date, limit = purgeBatchSize): PurgeCount {
  const iso = cutoff.toISOString();
  return db
    .transaction((): PurgeCount => {
      db.prepare(
        `CREATE TEMP TABLE IF NOT EXISTS purge_batch (message_sid TEXT PRIMARY KEY)`,
      ).run();
      db.prepare('DELETE FROM temp.purge_batch').run();
      db.prepare('INSERT INTO temp.purge_batch SELECT message_sid FROM messages WHERE received_at < ? ORDER BY received_at LIMIT ?').run(iso, limit);
      const replies = db.prepare('DELETE FROM replies WHERE message_sid IN (SELECT message_sid FROM temp.purge_batch)').run().changes;
      const messages = db.prepare('DELETE FROM messages WHERE message_sid IN (SELECT message_sid FROM temp.purge_batch)').run().changes;
      db.prepare('DELETE FROM temp.purge_batch').run();
      return { messages, replies };
    })
    .immediate();
}

/** Deletes everything received before `cutoff`, batch after batch, yielding to other work between batches. */
export async function purgeOlderThan(db: Db, cutoff: Date, options: { batchSize?: number; shouldStop?: () => boolean } = {}): Promise<PurgeCount> {
  const total: PurgeCount = { messages: 0, replies: 0 };
  for (;;) {
    if (options.shouldStop?.()) return total;
    const n = purgeBatch(db, cutoff, options.batchSize);
    total.messages += n.messages;
    total.replies += n.replies;
    if (n.messages < (options.batchSize ?? purgeBatchSize)) return total;
    // Let waiting requests run before the next batch takes the write lock again.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const dayMs = 86_400_000;

/**
 * RETENTION_DAYS in the server: purge once now, then once a day. Returns a function that stops
 * the schedule and resolves when a purge in progress has finished its current batch. `getDb` is
 * asked each time, since the store may have replaced a broken connection in between.
 */
export function scheduleRetention(getDb: () => Db, days: number, clock: () => Date, logger: Logger): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    const cutoff = new Date(clock().getTime() - days * dayMs);
    running = purgeOlderThan(getDb(), cutoff, { shouldStop: () => stopped })
      .then((n) => {
        if (n.messages > 0) logger.info({ retention_days: days, cutoff: cutoff.toISOString(), ...n }, 'old messages removed');
      })
      .catch((err: Error) => logger.error({ retention_days: days, err: err.message }, 'could not remove old messages; will try again tomorrow'));
  };
  const first = setTimeout(run, 0);
  const daily = setInterval(run, dayMs);
  first.unref();
  daily.unref();
  return async () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(daily);
    await running;
  };
}
