// `autoreply backup FILE`: a consistent copy of the database, also while the server is running
// (SQLite's online backup: the copy is one moment's state, and the server keeps answering).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, dbOptionHelp, resolveDbPath, runAudit, withDb } from './audit-args.js';
import { exitCodes, type Io } from './io.js';

export function registerBackup(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('backup')
    .description('write a consistent copy of the database to FILE (safe while the server runs)')
    .argument('<file>', 'where to write the copy; must not exist yet')
    .option('--db <file>', dbOptionHelp)
    .action((file: string, opts) =>
      runAudit(io, done, () => {
        if (existsSync(file)) throw new CliError(`${file} already exists; choose a new file name so no earlier backup is overwritten.`, exitCodes.problem);
        const source = resolveDbPath(opts.db, io.env);
        return withDb(source, true, async (db) => {
          try {
            await db.backup(file);
          } catch (err) {
            throw new CliError(`Could not write the backup to ${file}: ${(err as Error).message}`, exitCodes.problem);
          }
          io.stdout(`Backed up ${source} to ${file}.\n`);
        });
      }),
    );
}
