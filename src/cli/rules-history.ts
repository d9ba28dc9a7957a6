// `autoreply rules-history`: every rules version the server ever loaded, the full YAML of one
// version, a diff between two, and (--loads) every load attempt including refused saves.
import type { Command } from 'commander';
import { findRuleSets, listRuleLoads, listRuleSets } from '../store/audit-queries.js';
import type { Db } from '../store/database.js';
import { CliError, dbOptionHelp, parseCount, resolveDbPath, runAudit, withDb } from './audit-args.js';
import { exitCodes, type Io } from './io.js';
import { unifiedDiff } from './line-diff.js';

/** Versions are sha256 hashes; 12 characters are enough to tell them apart when shown. */
export const shortVersion = (v: string) => v.slice(0, 12);

export function registerRulesHistory(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('rules-history')
    .description('list every rules version the server loaded, print one, or compare two')
    .argument('[version]', 'print the full rules file of this version (the first characters of it are enough)')
    .option('--diff <versions...>', 'show what changed from version A to version B: --diff A B')
    .option('--loads', 'list every load attempt, including saves that were refused because of problems')
    .option('--limit <n>', 'with --loads: show at most this many attempts', '50')
    .option('--db <file>', dbOptionHelp)
    .action((version: string | undefined, opts) =>
      runAudit(io, done, () => {
        if (opts.diff !== undefined && opts.diff.length !== 2) throw new CliError('--diff needs exactly two versions: --diff A B');
        if (opts.diff !== undefined && version !== undefined) throw new CliError('give either a version to print or --diff A B, not both');
        const limit = parseCount(opts.limit, '--limit');
        return withDb(resolveDbPath(opts.db, io.env), true, (db) => {
          if (opts.diff) {
            const [a, b] = (opts.diff as string[]).map((p) => resolveVersion(db, p));
            const diff = unifiedDiff(a.source, b.source, `rules ${shortVersion(a.version)} (first loaded ${a.first_loaded_at})`, `rules ${shortVersion(b.version)} (first loaded ${b.first_loaded_at})`);
            io.stdout(diff || 'The two versions are identical.\n');
          } else if (version !== undefined) {
            io.stdout(resolveVersion(db, version).source);
          } else if (opts.loads) {
            io.stdout(renderLoads(db, limit));
          } else {
            io.stdout(renderVersions(db));
          }
        });
      }),
    );
}

function resolveVersion(db: Db, prefix: string) {
  if (!/^[0-9a-f]+$/i.test(prefix)) throw new CliError(`"${prefix}" is not a rules version; versions are written with 0-9 and a-f, like 3f2a9c01b7de.`);
  if (prefix.length < 4) throw new CliError(`"${prefix}" is too short; give at least 4 characters of the version.`);
  const found = findRuleSets(db, prefix);
  if (found.length === 0) throw new CliError(`No rules version starts with "${prefix}". Run "autoreply rules-history" to list them.`, exitCodes.problem);
  if (found.length > 1) {
    throw new CliError(`"${prefix}" fits ${found.length} versions (${found.map((f) => shortVersion(f.version)).join(', ')}); give more characters.`);
  }
  return found[0];
}

function renderVersions(db: Db): string {
  const sets = listRuleSets(db);
  if (sets.length === 0) return 'No rules have been loaded into this database yet.\n';
  let out = `${'VERSION'.padEnd(12)}  ${'FIRST LOADED (UTC)'.padEnd(24)}  ${'MESSAGES'.padStart(9)}\n`;
  for (const s of sets) out += `${shortVersion(s.version)}  ${s.first_loaded_at.padEnd(24)}  ${String(s.messages).padStart(9)}\n`;
  out += `${sets.length} version${sets.length === 1 ? '' : 's'}, oldest first. Print one with "autoreply rules-history VERSION".\n`;
  return out;
}

function renderLoads(db: Db, limit: number): string {
  const loads = listRuleLoads(db, limit);
  if (loads.length === 0) return 'No load attempts are recorded.\n';
  let out = '';
  for (const l of loads) {
    out += `${l.loaded_at}  ${l.ok ? 'loaded ' : 'REFUSED'}  ${l.version ? shortVersion(l.version) : '(file unreadable)'}\n`;
    if (l.problems) out += `${l.problems.split('\n').map((p) => `    ${p}`).join('\n')}\n`;
  }
  return out;
}
