// `autoreply purge --older-than 90d`: delete old messages and their replies by hand, with the
// same code RETENTION_DAYS uses in the server. Opt-outs and rules history are kept.
import type { Command } from 'commander';
import { parseDuration } from '../engine/time.js';
import { countOlderThan, purgeOlderThan } from '../store/retention.js';
import { CliError, dbOptionHelp, resolveDbPath, runAudit, withDb } from './audit-args.js';
import type { Io } from './io.js';

export function registerPurge(program: Command, io: Io, done: (code: number) => void, now: () => Date = () => new Date()): void {
  program
    .command('purge')
    .description('delete messages (and their replies) older than a given age; opt-outs are kept')
    .requiredOption('--older-than <age>', 'how old a message must be to go, e.g. 90d, 12w, 36h')
    .option('--dry-run', 'only count what would be deleted')
    .option('--db <file>', dbOptionHelp)
    .action((opts) =>
      runAudit(io, done, () => {
        const ms = parseDuration(opts.olderThan);
        if (ms === undefined || ms <= 0) throw new CliError(`--older-than "${opts.olderThan}" is not an age. Write it like 90d, 12w or 36h.`);
        const cutoff = new Date(now().getTime() - ms);
        return withDb(resolveDbPath(opts.db, io.env), !!opts.dryRun, async (db) => {
          const n = opts.dryRun ? countOlderThan(db, cutoff) : await purgeOlderThan(db, cutoff);
          const what = `${n.messages} message${n.messages === 1 ? '' : 's'} and ${n.replies} repl${n.replies === 1 ? 'y' : 'ies'} received before ${cutoff.toISOString()}`;
          io.stdout(opts.dryRun ? `Would delete ${what}. Nothing was changed (--dry-run).\n` : `Deleted ${what}.\n`);
        });
      }),
    );
}
