// `autoreply try`: one made-up message through the server's own loader and engine, to see which
// rule answers and exactly what the customer would get. Sends nothing; writes only with --db.
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { defaults } from '../config.js';
import { evaluateOrError, type Decision, type History, type InboundMessage, type RuleTrace } from '../engine/evaluate.js';
import { noHistory } from '../engine/no-history.js';
import { toInbound } from '../http/webhook.js';
import { loadRulesFile } from '../rules/load.js';
import { formatProblems, problemsToJson } from '../rules/problems.js';
import type { RuleSet } from '../rules/types.js';
import { openDatabase } from '../store/database.js';
import { Store } from '../store/store.js';
import { testDefaults } from '../rules/compile.js';
import { checkChoice, CliError, openExisting, runAudit } from './audit-args.js';
import { exitCodes, type Io } from './io.js';
import { buildTryFields, checkAtText, checkNumber, createTrySid, maxMedia, parseAt, parseMediaCount } from './try-message.js';
import { lamlOf, renderTryJson, renderTryText, type TryResult } from './try-report.js';

const formats = ['text', 'json'] as const;

export function registerTry(program: Command, io: Io, done: (code: number) => void, now: () => Date = () => new Date()): void {
  program
    .command('try')
    .description('show how the rules answer one message (sends nothing; writes nothing unless --db is given)')
    .option('--body <text>', 'the message text', '')
    .option('--from <number>', "the sender's number", testDefaults.from)
    .option('--to <number>', 'your number, the one the message is sent to', testDefaults.to)
    .option('--media <n>', `how many pictures the message has (0 to ${maxMedia})`, '0')
    .option('--at <time>', "when it arrives, in the rules' time zone, e.g. 2026-12-24T19:00 (default: now)")
    .option('--rules <file>', `the rules file (env RULES_FILE, default ${defaults.rulesFile})`)
    .option('--explain', 'list every rule in order with why it did or did not answer')
    .option('--format <format>', 'text or json', 'text')
    .option(
      '--db <file>',
      'use this SQLite database for cooldowns, the reply limit and opt-outs, and record the try in it like a real ' +
        'message (so a second try within a cooldown shows "cooldown"). Created if missing. Use a file of its own: ' +
        'tries in the server\'s database show up in its audit log. Without --db nothing is written anywhere.',
    )
    .action((opts) => {
      let refused = false; // the rules file has mistakes: its problems are the output, exit 1
      return runAudit(io, (code) => done(refused && code === exitCodes.ok ? exitCodes.problem : code), async () => {
        const format = checkChoice(opts.format, '--format', formats);
        const media = parseMediaCount(opts.media);
        if (opts.at !== undefined) checkAtText(opts.at);
        const from = checkNumber(opts.from, '--from');
        const to = checkNumber(opts.to, '--to');
        const file: string = opts.rules || io.env.RULES_FILE || defaults.rulesFile;

        const loaded = await loadRulesFile(file);
        if (!loaded.ruleSet) {
          io.stdout(
            format === 'json'
              ? `${JSON.stringify({ problems: problemsToJson(loaded.problems) }, null, 2)}\n`
              : `${formatProblems(loaded.problems, loaded.text ?? '')}\n\n${file} has mistakes, so the server would not load it. Fix them and try again.\n`,
          );
          refused = true;
          return;
        }
        const warnings = loaded.problems.length;
        if (warnings) io.stderr(`${file} has ${warnings} warning${warnings === 1 ? '' : 's'}; run "autoreply check ${file}" to see them.\n`);

        const rs = loaded.ruleSet;
        const sid = createTrySid(now());
        const at = opts.at === undefined ? now() : parseAt(opts.at, rs.settings.timezone);
        const { msg, stored } = toInbound(buildTryFields({ sid, from, to, body: opts.body, media }), at);
        const explain = opts.explain === true;
        const result: TryResult = opts.db
          ? { ...decideRecorded(opts.db, rs, msg, stored, explain, io), db: opts.db, sid }
          : { ...decide(rs, msg, noHistory, explain), sid };
        io.stdout(format === 'json' ? renderTryJson(result) : renderTryText(result));
      });
    });
}

type Decided = { ruleSet: RuleSet; msg: InboundMessage; decision: Decision; trace?: RuleTrace[] };

/** The engine's answer; an unexpected failure is an `error` outcome, as the server records it. */
function decide(rs: RuleSet, msg: InboundMessage, history: History, explain: boolean): Decided {
  const { decision, trace } = evaluateOrError(rs, msg, history, { explain });
  return { ruleSet: rs, msg, decision, trace: explain ? trace : undefined };
}

/** Decides against the database's history and stores the try in the same transaction, as the webhook does. */
function decideRecorded(path: string, rs: RuleSet, msg: InboundMessage, stored: Record<string, string | string[]>, explain: boolean, io: Io): Decided {
  if (isServerDatabase(path, io.env)) {
    io.stderr(`Warning: ${path} is the server's own database. This try is recorded there like a real message and shows up in "autoreply log" and "autoreply stats".\n`);
  }
  const db = existsSync(path) ? openExisting(path, { readonly: false }) : openNew(path);
  try {
    const store = new Store(db);
    let decided: Decided | undefined;
    store.decideOnce(msg.params.MessageSid, msg.receivedAt, () => {
      decided = decide(rs, msg, store, explain);
      return { msg: { ...msg, params: stored as Record<string, string> }, decision: decided.decision, responseXml: lamlOf(decided.decision), rulesVersion: rs.version };
    });
    return decided!;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`Cannot record the try in ${path}: ${(err as Error).message}`, exitCodes.problem);
  } finally {
    db.close();
  }
}

function openNew(path: string) {
  try {
    return openDatabase(path);
  } catch (err) {
    throw new CliError(`Cannot create the database ${path}: ${(err as Error).message}`, exitCodes.problem);
  }
}

function isServerDatabase(path: string, env: NodeJS.ProcessEnv): boolean {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : resolve(p));
  const mine = real(path);
  return [env.DATABASE_PATH, defaults.databasePath].some((p) => p && real(p) === mine);
}
