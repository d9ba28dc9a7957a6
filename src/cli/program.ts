// The `autoreply` command: one subcommand per file in this folder.
import { Command, CommanderError } from 'commander';
import { exitCodes, type Io } from './io.js';
import { registerServe } from './serve.js';
import { registerLog } from './log.js';
import { registerStats } from './stats.js';
import { registerRulesHistory } from './rules-history.js';
import { registerPurge } from './purge.js';
import { registerBackup } from './backup.js';
import { registerTry } from './try.js';
import { registerCheck } from './check.js';

import { version } from '../version.js';

export { version };

/** Runs the command line `argv` (without "node autoreply") and resolves to the exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  let code: number = exitCodes.ok;
  const done = (c: number) => {
    code = c;
  };
  const program = new Command('autoreply')
    .description('A rules-driven SMS auto-responder for Twilio-compatible (LaML) providers.')
    .version(version, '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run "autoreply --help" to see what is possible)');
  program.configureHelp({ sortSubcommands: false });
  registerServe(program, io, done);
  registerCheck(program, io, done);
  registerLog(program, io, done);
  registerStats(program, io, done);
  registerRulesHistory(program, io, done);
  registerPurge(program, io, done);
  registerBackup(program, io, done);
  registerTry(program, io, done);
  if (argv.length === 0) {
    io.stdout(program.helpInformation());
    return exitCodes.ok;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return exitCodes.ok;
      return exitCodes.usage;
    }
    throw err;
  }
  return code;
}
