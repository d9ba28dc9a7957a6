// `autoreply stats`: how many messages, replies and duplicate deliveries, per rule, outcome or day.
import type { Command } from 'commander';
import { messageStats, type StatsGroup } from '../store/audit-queries.js';
import { checkChoice, dbOptionHelp, parseTimeArg, resolveDbPath, runAudit, withDb } from './audit-args.js';
import type { Io } from './io.js';

const groups: readonly StatsGroup[] = ['rule', 'outcome', 'day'];
const formats = ['table', 'json'] as const;

export function registerStats(program: Command, io: Io, done: (code: number) => void, now: () => Date = () => new Date()): void {
  program
    .command('stats')
    .description('count messages, replies and duplicate deliveries per rule, outcome or day')
    .option('--since <when>', 'only messages from this time on: 24h, 7d, 2026-12-01 (default: all)')
    .option('--by <group>', 'rule, outcome or day', 'outcome')
    .option('--format <format>', 'table or json', 'table')
    .option('--db <file>', dbOptionHelp)
    .action((opts) =>
      runAudit(io, done, () => {
        const by = checkChoice(opts.by, '--by', groups);
        const format = checkChoice(opts.format, '--format', formats);
        const since = opts.since === undefined ? undefined : parseTimeArg(opts.since, '--since', now()).toISOString();
        return withDb(resolveDbPath(opts.db, io.env), true, (db) => {
          const { rows, total } = messageStats(db, by, since);
          if (format === 'json') {
            io.stdout(`${JSON.stringify({ by, since: since ?? null, groups: rows, total: { messages: total.messages, replies: total.replies, duplicates: total.duplicates } }, null, 2)}\n`);
            return;
          }
          const label = { rule: 'RULE', outcome: 'OUTCOME', day: 'DAY (UTC)' }[by];
          const none = by === 'rule' ? '(no rule)' : '-';
          const width = Math.min(40, Math.max(label.length, 9, ...rows.map((r) => (r.group ?? none).length)));
          const line = (g: string, a: string | number, b: string | number, c: string | number) =>
            `${g.length > width ? `${g.slice(0, width - 1)}…` : g.padEnd(width)}  ${String(a).padStart(9)}  ${String(b).padStart(9)}  ${String(c).padStart(10)}\n`;
          let out = since ? `Since ${since}\n` : 'All recorded messages\n';
          out += line(label, 'MESSAGES', 'REPLIES', 'DUPLICATES');
          for (const r of rows) out += line(r.group ?? none, r.messages, r.replies, r.duplicates);
          out += line('total', total.messages, total.replies, total.duplicates);
          io.stdout(out);
        });
      }),
    );
}
