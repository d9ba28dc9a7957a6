// The read side of the record for auditors: the SQL behind `autoreply log`, `stats` and
// `rules-history`. The CLI files format; this file only asks the database.
import type { Db } from './database.js';

export interface MessageRow {
  message_sid: string;
  received_at: string;
  from_number: string;
  to_number: string;
  body: string;
  num_media: number;
  params: string;
  rule: string | null;
  outcome: string;
  response_xml: string;
  rules_version: string | null;
  deliveries: number;
  last_delivery_at: string;
  error: string | null;
}

export interface ReplyRow {
  message_sid: string;
  position: number;
  to_number: string | null;
  body: string;
  media: string;
}

export interface MessageWithReplies extends MessageRow {
  replies: ReplyRow[];
}

export interface LogFilter {
  /** ISO-8601 UTC bounds: since is included, until is not. */
  since?: string;
  until?: string;
  from?: string;
  to?: string;
  rule?: string;
  outcome?: string;
  /** Matches the inbound body or any reply text (case-insensitive for ASCII letters). */
  search?: string;
  limit?: number;
}

/** `%`, `_` and `\` in the search text are taken literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Newest first; all given filters must hold. */
export function findMessages(db: Db, filter: LogFilter): MessageWithReplies[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.since) where.push('m.received_at >= ?') && args.push(filter.since);
  if (filter.until) where.push('m.received_at < ?') && args.push(filter.until);
  if (filter.from) where.push('m.from_number = ?') && args.push(filter.from);
  if (filter.to) where.push('m.to_number = ?') && args.push(filter.to);
  if (filter.rule) where.push('m.rule = ?') && args.push(filter.rule);
  if (filter.outcome) where.push('m.outcome = ?') && args.push(filter.outcome);
  if (filter.search !== undefined) {
    const p = likePattern(filter.search);
    where.push(`(m.body LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM replies r WHERE r.message_sid = m.message_sid AND r.body LIKE ? ESCAPE '\\'))`);
    args.push(p, p);
  }
  const sql = `SELECT m.* FROM messages m ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY m.received_at DESC, m.rowid DESC ${filter.limit !== undefined ? 'LIMIT ?' : ''}`;
  if (filter.limit !== undefined) args.push(filter.limit);
  const rows = db.prepare<unknown[], MessageRow>(sql).all(...args);
  return attachReplies(db, rows);
}

export function findMessage(db: Db, sid: string): MessageWithReplies | undefined {
  const row = db.prepare<[string], MessageRow>('SELECT * FROM messages WHERE message_sid = ?').get(sid);
  return row ? attachReplies(db, [row])[0] : undefined;
}

function attachReplies(db: Db, rows: MessageRow[]): MessageWithReplies[] {
  const stmt = db.prepare<[string], ReplyRow>('SELECT * FROM replies WHERE message_sid = ? ORDER BY position');
  return rows.map((r) => ({ ...r, replies: stmt.all(r.message_sid) }));
}

export function countMessages(db: Db): number {
  return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM messages').get()!.n;
}

export type StatsGroup = 'rule' | 'outcome' | 'day';

export interface StatsRow {
  group: string | null;
  messages: number;
  replies: number;
  duplicates: number;
}

const groupExpr: Record<StatsGroup, string> = {
  rule: 'm.rule',
  outcome: 'm.outcome',
  day: 'substr(m.received_at, 1, 10)',
};

/** Counts per group (and the total as the last row with group "total"). */
export function messageStats(db: Db, group: StatsGroup, since?: string): { rows: StatsRow[]; total: StatsRow } {
  const where = since ? 'WHERE m.received_at >= ?' : '';
  const args = since ? [since] : [];
  const select = `count(*) AS messages,
      coalesce(sum((SELECT count(*) FROM replies r WHERE r.message_sid = m.message_sid)), 0) AS replies,
      coalesce(sum(m.deliveries - 1), 0) AS duplicates`;
  const order = group === 'day' ? 'g DESC' : 'messages DESC, g';
  const rows = db
    .prepare<unknown[], StatsRow & { g: string | null }>(`SELECT ${groupExpr[group]} AS g, ${select} FROM messages m ${where} GROUP BY g ORDER BY ${order}`)
    .all(...args)
    .map(({ g, messages, replies, duplicates }) => ({ group: g, messages, replies, duplicates }));
  const t = db.prepare<unknown[], StatsRow>(`SELECT ${select} FROM messages m ${where}`).get(...args)!;
  return { rows, total: { group: 'total', messages: t.messages, replies: t.replies, duplicates: t.duplicates } };
}

export interface RuleSetSummary {
  version: string;
  first_loaded_at: string;
  messages: number;
}

/** Every rules version ever loaded, oldest first, with how many messages it decided. */
export function listRuleSets(db: Db): RuleSetSummary[] {
  return db
    .prepare<[], RuleSetSummary>(
      `SELECT s.version, s.first_loaded_at,
         (SELECT count(*) FROM messages m WHERE m.rules_version = s.version) AS messages
       FROM rule_sets s ORDER BY s.first_loaded_at, s.version`,
    )
    .all();
}

/** The versions whose hash starts with `prefix` (lower-case hex). */
export function findRuleSets(db: Db, prefix: string): { version: string; first_loaded_at: string; source: string }[] {
  return db
    .prepare<[number, string], { version: string; first_loaded_at: string; source: string }>(
      'SELECT version, first_loaded_at, source FROM rule_sets WHERE substr(version, 1, ?) = ? ORDER BY first_loaded_at',
    )
    .all(prefix.length, prefix.toLowerCase());
}

export interface RuleLoadRow {
  id: number;
  loaded_at: string;
  version: string | null;
  ok: number;
  problems: string | null;
}

/** Every load attempt, accepted or refused, newest first. */
export function listRuleLoads(db: Db, limit = 50): RuleLoadRow[] {
  return db.prepare<[number], RuleLoadRow>('SELECT * FROM rule_loads ORDER BY loaded_at DESC, id DESC LIMIT ?').all(limit);
}
