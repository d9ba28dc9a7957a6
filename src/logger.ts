// Structured JSON logs (pino), one object per line, to stdout; LOG_FORMAT=pretty for people
// reading a terminal. Stack traces appear only at LOG_LEVEL=debug or trace: at info the log
// says what failed, not where in the code.
//
// Lines are written in batches, synchronously: 4 KiB at a time (~15 lines), and whatever has
// gathered every 200 ms. Handing each line to libuv's thread pool instead (sync: false) cost the
// main thread 10-13 us per write on the benchmark machine, more than writing itself, and took
// 11-18% of the server's CPU under load (docs/performance.md). A synchronous write to stdout is
// what Node does for files and, on Linux, pipes anyway. pino writes what is left when the
// process exits, crash or not (pino only does that itself for sync: false); a SIGKILL can lose
// the last 200 ms of lines. The audit record is the database, never the log.
import { createRequire } from 'node:module';
import { pino, type Logger, type DestinationStream } from 'pino';

const batchBytes = 4096;
const batchMs = 200;

export interface LoggerOptions {
  format?: 'json' | 'pretty';
}

function errWithoutStack(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const { type, message, code } = { type: err.constructor.name, message: err.message, code: (err as { code?: unknown }).code };
  return code === undefined ? { type, message } : { type, message, code };
}

function batchedStdout(): DestinationStream {
  // fd 1 rather than process.stdout, which would switch a pipe to non-blocking mode.
  const stream = pino.destination({ dest: 1, sync: true, minLength: batchBytes, periodicFlush: batchMs });
  process.once('exit', () => {
    try {
      stream.flushSync();
    } catch {
      // stdout is gone; nothing left to tell
    }
  });
  return stream;
}

export function createLogger(level: string, destination?: DestinationStream, options: LoggerOptions = {}): Logger {
  const withStacks = level === 'debug' || level === 'trace';
  // pino-pretty is loaded only for LOG_FORMAT=pretty: the JSON log never needs it.
  const pretty = () => createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  const stream =
    options.format === 'pretty'
      ? pretty()({ colorize: !destination && process.stdout.isTTY, translateTime: 'SYS:standard', sync: true, destination: destination ?? 1 })
      : (destination ?? batchedStdout());
  return pino(
    {
      level,
      base: { service: 'autoreply' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: withStacks ? pino.stdSerializers.err : errWithoutStack },
    },
    stream,
  );
}
