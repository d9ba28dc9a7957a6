// The message record: one row per MessageSid, its replies, and the rules versions that decided
// them. Every statement is prepared once; a decision and its rows are written in one transaction,
// which the webhook shares with the other deliveries of the same loop turn (group-commit.ts).
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Decision, History, InboundMessage } from '../engine/evaluate.js';
import type { Db } from './database.js';
import { groupCommit, type Settled } from './group-commit.js';

/** Free space needed to call a database healthy again after a failed write: a dozen of the largest messages. */
const minFreeBytes = 1024 * 1024;

export interface StoredMessage {
  sid: string;
  msg: InboundMessage;
  decision: Decision;
  responseXml: string;
  rulesVersion: string | null;
}

export type DecideResult = { duplicate: true; responseXml: string } | { duplicate: false; responseXml: string; stored: StoredMessage };

/** One delivery to answer: its MessageSid, when it came, and how to decide it if it is new. */
export interface DecideRequest {
  sid: string;
  at: Date;
  decide: () => Omit<StoredMessage, 'sid'>;
}

// Errors after which a connection is not trusted again: the file went read-only, the disk
// reported an I/O error, or the file could not be opened.
const brokenConnection = /^SQLITE_(READONLY|IOERR|CANTOPEN|NOTADB)/;

const isSqliteError = (error: unknown): boolean => String((error as { code?: unknown })?.code ?? '').startsWith('SQLITE');

export class Store implements History {
  private stmt;

  constructor(public db: Db) {
    this.stmt = {
      findResponse: db.prepare<[string], { response_xml: string }>('SELECT response_xml FROM messages WHERE message_sid = ?'),
      countDelivery: db.prepare('UPDATE messages SET deliveries = deliveries + 1, last_delivery_at = ? WHERE message_sid = ?'),
      insertMessage: db.prepare(
        `INSERT INTO messages (message_sid, received_at, from_number, to_number, body, num_media, params, rule, outcome,
           response_xml, rules_version, deliveries, last_delivery_at, error)
         VALUES (@sid, @at, @from, @to, @body, @numMedia, @params, @rule, @outcome, @xml, @version, 1, @at, @error)`,
      ),
      insertReply: db.prepare('INSERT INTO replies (message_sid, position, to_number, body, media) VALUES (?, ?, ?, ?, ?)'),
      lastReply: db.prepare<[string, string], { at: string }>(
        // `+rule`: search by sender (few rows each), never through every message of the rule; left
        // to itself the planner walks messages_by_rule, which grows with the log (docs/performance.md).
        `SELECT received_at AS at FROM messages WHERE from_number = ? AND +rule = ? AND outcome = 'replied'
         ORDER BY received_at DESC LIMIT 1`,
      ),
      repliesSince: db.prepare<[string, string, string, number], { n: number }>(
        // Counts messages that sent something back to the sender (rule replies, opt-out
        // confirmations); forwards to staff are not replies to the pair (issue 5, loop guard).
        // Stops counting at the limit: a sender who keeps writing has many messages in the
        // window, and each one counted costs a row and a replies lookup (docs/performance.md).
        `SELECT count(*) AS n FROM (
           SELECT 1 FROM messages m WHERE from_number = ? AND to_number = ? AND received_at > ?
             AND EXISTS (SELECT 1 FROM replies r WHERE r.message_sid = m.message_sid AND (r.to_number IS NULL OR r.to_number = m.from_number))
           LIMIT ?)`,
      ),
      optedOut: db.prepare<[string, string], { x: number }>('SELECT 1 AS x FROM opt_outs WHERE from_number = ? AND to_number = ?'),
      optOut: db.prepare(
        `INSERT INTO opt_outs (from_number, to_number, opted_out_at, keyword) VALUES (?, ?, ?, ?)
         ON CONFLICT (from_number, to_number) DO NOTHING`,
      ),
      optIn: db.prepare('DELETE FROM opt_outs WHERE from_number = ? AND to_number = ?'),
      insertRuleSet: db.prepare('INSERT OR IGNORE INTO rule_sets (version, first_loaded_at, source) VALUES (?, ?, ?)'),
      insertRuleLoad: db.prepare('INSERT INTO rule_loads (loaded_at, version, ok, problems) VALUES (?, ?, ?, ?)'),
    };
    this.useTransactions();
  }

  lastReplyAt(rule: string, from: string): number | undefined {
    const row = this.stmt.lastReply.get(from, rule);
    return row ? Date.parse(row.at) : undefined;
  }

  repliesSince(from: string, to: string, sinceMs: number, atMost: number): number {
    return this.stmt.repliesSince.get(from, to, new Date(sinceMs).toISOString(), atMost)?.n ?? 0;
  }

  isOptedOut(from: string, to: string): boolean {
    return this.stmt.optedOut.get(from, to) !== undefined;
  }

  /**
   * Answers a delivery exactly once: a MessageSid seen before gets its stored response back;
   * a new one is decided by `decide` and stored before anything is returned. BEGIN IMMEDIATE
   * makes this hold across processes sharing the file, too.
   */
  decideOnce(sid: string, at: Date, decide: () => Omit<StoredMessage, 'sid'>): DecideResult {
    const [result] = this.decideMany([{ sid, at, decide }]);
    if (!result.ok) throw result.error;
    return result.value;
  }

  /**
   * decideOnce for the webhook: the promise settles after the transaction holding this delivery
   * has committed, a transaction it shares with the deliveries of the same loop turn.
   */
  decide(sid: string, at: Date, decide: () => Omit<StoredMessage, 'sid'>): Promise<DecideResult> {
    return this.submit({ sid, at, decide });
  }

  private submit = groupCommit<DecideRequest, DecideResult>((requests) => this.decideMany(requests));

  /**
   * Decides `requests` in order in one write transaction, each in its own savepoint: one that
   * fails (its rules threw, a constraint) is undone alone and the others are still stored. When
   * the transaction itself fails (COMMIT, a full disk that ends the transaction), every one fails:
   * none of them may be acknowledged.
   */
  decideMany(requests: DecideRequest[]): Settled<DecideResult>[] {
    const results: Settled<DecideResult>[] = [];
    let fault: unknown = null;
    try {
      this.reconnectIfBroken();
      this.batchTransaction.immediate(() => {
        for (const { sid, at, decide } of requests) {
          try {
            results.push({ ok: true, value: this.decideOneTransaction(sid, at, decide) });
          } catch (error) {
            results.push({ ok: false, error });
            if (isSqliteError(error)) fault = error;
            if (!this.db.inTransaction) throw error; // SQLite rolled the whole transaction back
          }
        }
      });
      this.noteFault(fault);
      return results;
    } catch (error) {
      this.noteFault(error);
      return requests.map(() => ({ ok: false, error }));
    }
  }

  /** Remembers a failed write for /healthz and marks a connection that cannot be trusted again. */
  private noteFault(error: unknown): void {
    if (error === null) {
      this.writeFault = null;
      return;
    }
    if (!isSqliteError(error)) return;
    this.writeFault = (error as Error).message;
    if (brokenConnection.test((error as { code: string }).code)) this.broken = true;
  }

  /** Opens a fresh connection to the same file (set by the server), to replace a broken one. */
  reopen?: () => Db;
  private broken = false;

  /** After an error that can leave the connection unusable, the next use opens a new one. */
  private reconnectIfBroken(): void {
    if (!this.broken || !this.reopen) return;
    const db = this.reopen(); // throws while the fault lasts: the caller answers 503
    try {
      this.db.close();
    } catch {
      // the old connection is broken anyway
    }
    this.stmt = new Store(db).stmt;
    this.db = db;
    this.useTransactions();
    this.broken = false;
  }

  /** Why the last write failed (disk full, read-only file, ...), or null when writes work. */
  writeFault: string | null = null;

  /** Built once per connection, not per message (better-sqlite3 wraps the function each time). */
  private decideOneTransaction!: ReturnType<Store['prepareTransactions']>['one'];
  private batchTransaction!: ReturnType<Store['prepareTransactions']>['batch'];

  private prepareTransactions() {
    // Called inside `batch`, better-sqlite3 runs `one` as a SAVEPOINT.
    const one = this.db.transaction((sid: string, at: Date, decide: () => Omit<StoredMessage, 'sid'>): DecideResult => {
      const seen = this.stmt.findResponse.get(sid);
      if (seen) {
        this.stmt.countDelivery.run(at.toISOString(), sid);
        return { duplicate: true, responseXml: seen.response_xml };
      }
      const stored = { sid, ...decide() };
      this.insert(stored);
      return { duplicate: false, responseXml: stored.responseXml, stored };
    });
    const batch = this.db.transaction((body: () => void) => body());
    return { one, batch };
  }

  private useTransactions(): void {
    const { one, batch } = this.prepareTransactions();
    this.decideOneTransaction = one;
    this.batchTransaction = batch;
  }

  private insert({ sid, msg, decision, responseXml, rulesVersion }: StoredMessage): void {
    const at = msg.receivedAt.toISOString();
    this.stmt.insertMessage.run({
      sid,
      at,
      from: msg.from,
      to: msg.to,
      body: msg.body,
      numMedia: msg.numMedia,
      params: JSON.stringify(msg.params),
      rule: decision.rule,
      outcome: decision.outcome,
      xml: responseXml,
      version: rulesVersion,
      error: decision.error ?? null,
    });
    decision.messages.forEach((m, i) => this.stmt.insertReply.run(sid, i + 1, m.to, m.body, JSON.stringify(m.media)));
    if (decision.optOut?.action === 'stop') this.stmt.optOut.run(msg.from, msg.to, at, decision.optOut.keyword);
    if (decision.optOut?.action === 'start') this.stmt.optIn.run(msg.from, msg.to);
  }

  /**
   * True when a write transaction can be started now (used by GET /healthz). After a failed
   * write, only a real write proves the fault has cleared (a full disk lets BEGIN succeed), and
   * the disk must have room for more than that: SQLite reuses its log file's space, so a
   * one-page write can succeed on a disk that refuses the next message.
   */
  isWritable(): boolean {
    try {
      this.reconnectIfBroken();
      if (this.writeFault && !this.hasRoomOnDisk()) return false;
      this.db.prepare('BEGIN IMMEDIATE').run();
      if (this.writeFault) {
        // Rewrites the header page with its own value: a harmless write that needs disk space.
        this.db.pragma(`user_version = ${this.db.pragma('user_version', { simple: true }) as number}`);
        this.db.prepare('COMMIT').run();
        this.writeFault = null;
        return true;
      }
      this.db.prepare('ROLLBACK').run();
      return true;
    } catch (err) {
      if (brokenConnection.test((err as { code?: string }).code ?? '')) this.broken = true;
      if (this.db.inTransaction) this.db.prepare('ROLLBACK').run();
      return false;
    }
  }

  /** At least minFreeBytes free where the database file is (always true in memory). */
  private hasRoomOnDisk(): boolean {
    if (this.db.memory) return true;
    try {
      const { bavail, bsize } = statfsSync(dirname(this.db.name));
      return bavail * bsize >= minFreeBytes;
    } catch {
      return true; // cannot tell: let the probe write decide
    }
  }

  recordRuleSet(version: string, source: string, at: Date): void {
    this.stmt.insertRuleSet.run(version, at.toISOString(), source);
  }

  recordRuleLoad(at: Date, version: string | null, ok: boolean, problems: string): void {
    this.stmt.insertRuleLoad.run(at.toISOString(), version, ok ? 1 : 0, problems || null);
  }
}
