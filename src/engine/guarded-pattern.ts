// A time limit for patterns that can get slow on long texts. JavaScript cannot stop a regular
// expression once it runs, so a long text is searched in a worker thread while the server waits
// at most `patternTimeLimitMs` for it; a search that takes longer is stopped (the worker is
// killed and replaced) and the message is recorded as an error instead of blocking the server.
// Short texts, which is nearly every SMS, are searched right here as usual.
// Which patterns need this, and from what length, is decided at load (rules/pattern-safety.ts).
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** Longest a single search may take before it is stopped. */
export const patternTimeLimitMs = 200;

export class PatternTooSlow extends Error {
  constructor(source: string, length: number) {
    super(`the pattern "${source}" took longer than ${patternTimeLimitMs} ms on this ${length}-character message and was stopped`);
  }
}

// CommonJS, run with `eval: true`, so the worker needs no file of its own next to the build.
const workerSource = `
const { workerData } = require('node:worker_threads');
const { port, signal } = workerData;
const done = new Int32Array(signal);
const compiled = new Map();
port.on('message', ({ source, flags, text }) => {
  const key = flags + '/' + source;
  let re = compiled.get(key);
  if (!re) compiled.set(key, (re = new RegExp(source, flags)));
  const m = re.exec(text);
  port.postMessage(m ? { index: m.index, values: Array.from(m), groups: m.groups ? { ...m.groups } : undefined } : null);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
`;

interface Running {
  worker: Worker;
  port: MessagePort;
  done: Int32Array;
}

let running: Running | null = null;

function start(): Running {
  const signal = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(workerSource, { eval: true, workerData: { port: port2, signal }, transferList: [port2] });
  worker.unref(); // never keeps the process alive
  worker.on('error', () => {
    if (running?.worker === worker) running = null;
  });
  port1.unref();
  return { worker, port: port1, done: new Int32Array(signal) };
}

/** Starts the worker ahead of time, so the first long message does not wait for it to boot. */
function prepareGuard(): void {
  running ??= start();
}

function searchWithLimit(source: string, flags: string, text: string): RegExpExecArray | null {
  const r = (running ??= start());
  Atomics.store(r.done, 0, 0);
  r.port.postMessage({ source, flags, text });
  if (Atomics.wait(r.done, 0, 0, patternTimeLimitMs) === 'timed-out') {
    running = null;
    void r.worker.terminate();
    r.port.close();
    throw new PatternTooSlow(source, Array.from(text).length);
  }
  const reply = receiveMessageOnPort(r.port)?.message as { index: number; values: string[]; groups?: Record<string, string> } | null | undefined;
  if (!reply) return null;
  return Object.assign([...reply.values], { index: reply.index, input: text, groups: reply.groups }) as RegExpExecArray;
}

/** A RegExp that searches texts longer than `unguardedUpTo` with a time limit. */
export class GuardedPattern extends RegExp {
  constructor(
    source: string,
    flags: string,
    readonly unguardedUpTo: number,
  ) {
    super(source, flags);
    // Likely to meet a text this long: boot the worker now rather than during the first search.
    if (unguardedUpTo < 2000) prepareGuard();
  }

  static get [Symbol.species]() {
    return RegExp;
  }

  override exec(text: string): RegExpExecArray | null {
    if (text.length <= this.unguardedUpTo) return super.exec(text);
    return searchWithLimit(this.source, this.flags, text);
  }
}
