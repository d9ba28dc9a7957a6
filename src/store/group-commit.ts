// Group commit: the deliveries that arrive in one turn of the event loop are written in one
// transaction, and each is answered only after that transaction has committed.
//
// A commit costs far more than the rows in it (the WAL frames of every index page touched, and
// the page cache bookkeeping; docs/performance.md, "Where the time goes"), so at saturation one
// commit per request capped throughput. Nothing is acknowledged early: every promise settles
// after COMMIT returns, so a 200 still means the row is on disk (in the WAL), and a crash before
// the commit loses only requests nobody was answered for, which the provider retries.
//
// The batch is flushed with setImmediate: all bodies read in the same poll phase join it, and a
// lone request at a low rate waits for nothing but the rest of the current loop turn.

/** One item's result: its value, or the error that kept it from being stored. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Returns `submit(item)`: a promise for the item's result. `runBatch` receives every item
 * submitted in one loop turn, in submission order, and returns one result per item.
 */
export function groupCommit<T, R>(runBatch: (items: T[]) => Settled<R>[]): (item: T) => Promise<R> {
  let waiting: { item: T; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];

  const flush = () => {
    const batch = waiting;
    waiting = [];
    let results: Settled<R>[];
    try {
      results = runBatch(batch.map((w) => w.item));
    } catch (error) {
      results = batch.map(() => ({ ok: false, error }));
    }
    batch.forEach((w, i) => {
      const r = results[i];
      if (r?.ok) w.resolve(r.value);
      else w.reject(r ? r.error : new Error('the batch returned no result for this item'));
    });
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      if (waiting.length === 0) setImmediate(flush);
      waiting.push({ item, resolve, reject });
    });
}
