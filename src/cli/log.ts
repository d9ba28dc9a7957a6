// `autoreply log`: the message record for auditors, filtered, newest first, as a table that fits
// an 80-column terminal, CSV for spreadsheets, or JSON / NDJSON for scripts. `--sid` shows one
// message in full. The database is opened read-only, so this is safe while the server runs.
import type { Command } from 'commander';
import { outcomes } from '../engine/evaluate.js';
import { findMessage, findMessages, type MessageWithReplies } from '../store/audit-queries.js';
import { checkChoice, CliError, dbOptionHelp, parseCount, parseTimeArg, resolveDbPath, runAudit, withDb } from './audit-args.js';
import { csvRow, utf8Bom } from './csv.js';
import { exitCodes, type Io } from './io.js';

const formats = ['table', 'csv', 'json', 'ndjson'] as const;

export function registerLog(program: Command, io: Io, done: (code: number) => void, now: () => Date = () => new Date()): void {
  program
    .command('log')
    .description('show recorded messages, newest first (read-only; safe while the server runs)')
    .option('--since <when>', 'only messages from this time on: 24h, 7d, 2026-12-01 or 2026-12-01T09:00:00Z')
    .option('--until <when>', 'only messages before this time (a plain date includes that whole day)')
    .option('--from <number>', 'only messages sent by this number, e.g. +4917012345678')
    .option('--to <number>', 'only messages sent to this number (your number)')
    .option('--rule <name>', 'only messages answered by this rule')
    .option('--outcome <outcome>', `only this outcome: ${outcomes.join(', ')}`)
    .option('--search <text>', 'only messages whose text or reply contains this text')
    .option('--sid <MessageSid>', 'show one message in full')
    .option('--limit <n>', 'show at most this many messages', '50')
    .option('--format <format>', 'table, csv, json or ndjson', 'table')
    .option('--no-bom', 'csv: leave out the byte-order mark that tells spreadsheet programs the file is UTF-8')
    .option('--db <file>', dbOptionHelp)
    .action((opts) =>
      runAudit(io, done, () => {
        const format = checkChoice(opts.format, '--format', formats);
        const at = now();
        const filter = {
          since: opts.since === undefined ? undefined : parseTimeArg(opts.since, '--since', at).toISOString(),
          until: opts.until === undefined ? undefined : parseTimeArg(opts.until, '--until', at, { endOfDay: true }).toISOString(),
          from: opts.from,
          to: opts.to,
          rule: opts.rule,
          outcome: opts.outcome === undefined ? undefined : checkChoice(opts.outcome, '--outcome', outcomes),
          search: opts.search,
          limit: parseCount(opts.limit, '--limit'),
        };
        return withDb(resolveDbPath(opts.db, io.env), true, (db) => {
          if (opts.sid !== undefined) {
            const m = findMessage(db, opts.sid);
            if (!m) throw new CliError(`No message with MessageSid "${opts.sid}" is recorded in this database.`, exitCodes.problem);
            io.stdout(format === 'json' || format === 'ndjson' ? `${JSON.stringify(toRecord(m), null, format === 'json' ? 2 : 0)}\n` : renderFull(m));
            return;
          }
          // One more than asked tells whether the list was cut; the note goes to stderr so files stay clean.
          const rows = findMessages(db, { ...filter, limit: filter.limit + 1 });
          if (rows.length > filter.limit) {
            rows.pop();
            io.stderr(`Showing the newest ${filter.limit} matching messages; there are more. Use --limit to see more.\n`);
          }
          if (format === 'json') io.stdout(`${JSON.stringify(rows.map(toRecord), null, 2)}\n`);
          else if (format === 'ndjson') io.stdout(rows.map((m) => `${JSON.stringify(toRecord(m))}\n`).join(''));
          else if (format === 'csv') io.stdout(renderCsv(rows, opts.bom !== false));
          else io.stdout(renderTable(rows));
        });
      }),
    );
}

/** Every column, with the JSON columns decoded, plus the replies. */
export function toRecord(m: MessageWithReplies) {
  return {
    ...m,
    params: parseJson(m.params),
    replies: m.replies.map((r) => ({ position: r.position, to_number: r.to_number, body: r.body, media: parseJson(r.media) })),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const csvColumns = [
  'received_at',
  'message_sid',
  'from_number',
  'to_number',
  'body',
  'num_media',
  'rule',
  'outcome',
  'replies',
  'deliveries',
  'last_delivery_at',
  'rules_version',
  'error',
] as const;

/** The reply texts, one per line; a reply to someone other than the sender starts with "to NUMBER: ". */
export function replyText(m: MessageWithReplies): string {
  return m.replies.map((r) => (r.to_number === null ? r.body : `to ${r.to_number}: ${r.body}`)).join('\n');
}

function renderCsv(rows: MessageWithReplies[], bom: boolean): string {
  let out = (bom ? utf8Bom : '') + csvRow([...csvColumns]);
  for (const m of rows) {
    out += csvRow(csvColumns.map((c) => (c === 'replies' ? replyText(m) : m[c])));
  }
  return out;
}

/** One line of at most `width` characters: line breaks become spaces, the end becomes "…". */
export function shorten(text: string, width: number): string {
  const chars = Array.from(text.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f]/g, ''));
  return chars.length <= width ? chars.join('') : `${chars.slice(0, width - 1).join('')}…`;
}

const pad = (text: string, width: number) => {
  const s = shorten(text, width);
  return s + ' '.repeat(Math.max(0, width - Array.from(s).length));
};

/** Two lines per message, each at most 80 characters: who, which rule, what came of it; then text and reply. */
function renderTable(rows: MessageWithReplies[]): string {
  if (rows.length === 0) return 'No messages match.\n';
  const cols: [string, number][] = [
    ['TIME (UTC)', 19],
    ['FROM', 15],
    ['TO', 15],
    ['RULE', 15],
    ['OUTCOME', 12],
  ];
  const line = (values: string[]) => `${values.map((v, i) => (i === values.length - 1 ? shorten(v, cols[i][1]) : pad(v, cols[i][1]))).join(' ')}\n`;
  let out = line(cols.map(([h]) => h));
  for (const m of rows) {
    out += line([m.received_at.slice(0, 19).replace('T', ' '), m.from_number, m.to_number, m.rule ?? '-', m.outcome]);
    const reply = replyText(m);
    // A long message text must not push its reply off the line: the text gets at most 34 characters.
    const text = `in: ${shorten(m.body, reply ? 34 : 74)}`;
    out += `  ${shorten(reply ? `${text}  | out: ${reply}` : text, 78)}\n`;
  }
  out += `${rows.length} message${rows.length === 1 ? '' : 's'}, newest first.\n`;
  return out;
}

function indent(text: string, by: string): string {
  return text.split('\n').join(`\n${by}`);
}

/** Everything recorded about one message, for reading top to bottom. */
function renderFull(m: MessageWithReplies): string {
  const field = (name: string, value: string) => `  ${name.padEnd(14)}${indent(value, ' '.repeat(16))}\n`;
  let out = `Message ${m.message_sid}\n`;
  out += field('received', `${m.received_at} (UTC)`);
  out += field('from', m.from_number);
  out += field('to', m.to_number);
  out += field('text', m.body === '' ? '(empty)' : m.body);
  out += field('attachments', String(m.num_media));
  out += field('rule', m.rule ?? '(none)');
  out += field('outcome', m.outcome);
  if (m.error) out += field('error', m.error);
  out += field('deliveries', `${m.deliveries}${m.deliveries > 1 ? ` (last ${m.last_delivery_at})` : ''}`);
  out += field('rules version', m.rules_version ?? '(unknown)');
  out += '\nPosted fields\n';
  const params = parseJson(m.params);
  if (params && typeof params === 'object') {
    for (const [k, v] of Object.entries(params as Record<string, unknown>)) out += field(k, Array.isArray(v) ? v.join('\n') : String(v));
  } else out += `  ${m.params}\n`;
  out += '\nReplies\n';
  if (m.replies.length === 0) out += '  (none)\n';
  for (const r of m.replies) {
    out += `  ${r.position}. ${r.to_number === null ? 'to the sender' : `to ${r.to_number}`}:\n     ${indent(r.body, '     ')}\n`;
    const media = parseJson(r.media);
    if (Array.isArray(media) && media.length) out += `     media: ${media.join(', ')}\n`;
  }
  out += `\nAnswer returned to the provider (LaML)\n  ${indent(m.response_xml, '  ')}\n`;
  return out;
}
