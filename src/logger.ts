// Structured JSON logs (pino), one object per line, to stdout; LOG_FORMAT=pretty for people
// reading a terminal. Stack traces appear only at LOG_LEVEL=debug or trace: at info the log
// says what failed, not where in the code.
import { pino, type Logger, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

export interface LoggerOptions {
  format?: 'json' | 'pretty';
}

function errWithoutStack(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const { type, message, code } = { type: err.constructor.name, message: err.message, code: (err as { code?: unknown }).code };
  return code === undefined ? { type, message } : { type, message, code };
}

export function createLogger(level: string, destination?: DestinationStream, options: LoggerOptions = {}): Logger {
  const withStacks = level === 'debug' || level === 'trace';
  const stream =
    options.format === 'pretty'
      ? pretty({ colorize: !destination && process.stdout.isTTY, translateTime: 'SYS:standard', sync: true, destination: destination ?? 1 })
      : (destination ?? pino.destination({ sync: false }));
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
