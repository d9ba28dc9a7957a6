// Structured JSON logs (pino), one object per line, to stdout.
import { pino, type Logger, type DestinationStream } from 'pino';

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: 'autoreply' }, timestamp: pino.stdTimeFunctions.isoTime }, destination ?? pino.destination({ sync: false }));
}
