// Keeps the WAL short from a worker thread, so that no webhook waits for a checkpoint.
//
// Left to itself, SQLite checkpoints inside the COMMIT that grows the WAL past 1000 pages: that
// request (and every request queued behind it on the event loop) waits while ~4 MB of pages are
// copied into the database file and both files are fsynced. On the benchmark machine that was
// the largest single cost per message and the cause of the 0.5-1 s maximum latencies
// (docs/performance.md). Here a second connection runs PASSIVE checkpoints on its own thread:
// PASSIVE never blocks the writer and never waits for it, and durability does not depend on
// checkpoints at all (a committed transaction is in the WAL; a checkpoint only moves it).
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

/** The worker's code. CommonJS text, so it runs the same from src/ (tests) and dist/. */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('synchronous = ' + workerData.sync);
let timer;
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy, or the file is being replaced: the next round tries again, and the writer's own
    // autocheckpoint is the safety net.
  }
  timer = setTimeout(checkpoint, workerData.everyMs);
};
timer = setTimeout(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * While a checkpoint copies pages and fsyncs, the webhook's own WAL writes are held up now and
 * then, longer the more pages there are to copy (docs/performance.md, "Steady rate"): at 1,000
 * messages/s the steady p99 was 34-53 ms checkpointing every 1000 ms, 13-25 ms every 100 ms and
 * 5-8 ms every 20 ms. The price: an idle server spends ~1.3% of one core on these rounds (0.7% at
 * 100 ms), measured over 10 s.
 */
const defaultEveryMs = 20;

export interface Checkpointer {
  /** Stops the worker after its current checkpoint, if any, and closes its connection. */
  stop(): Promise<void>;
}

/**
 * Starts checkpointing `path` every `everyMs` (default 20). The writer's connection should raise
 * its own wal_autocheckpoint (openDatabase's `backgroundCheckpoints`) so it only steps in when
 * this worker falls far behind.
 */
export function startCheckpointer(path: string, options: { sync: 'normal' | 'full'; everyMs?: number; onError?: (err: Error) => void }): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: { driver, path, sync: options.sync === 'full' ? 'FULL' : 'NORMAL', everyMs: options.everyMs ?? defaultEveryMs },
    // A few MB are plenty: the worker holds no JavaScript data.
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
  });
  worker.unref();
  let exited = false;
  const done = new Promise<void>((resolve) => worker.once('exit', () => ((exited = true), resolve())));
  worker.on('error', (err) => options.onError?.(err));
  return {
    stop: () => {
      if (!exited) {
        worker.ref(); // keep the process alive until the worker has closed its connection
        worker.postMessage('stop');
      }
      return done;
    },
  };
}
