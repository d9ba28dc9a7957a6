// The message record: one row per MessageSid, its replies, and the rules versions that decided
// them. Every statement is prepared once; a decision and its rows are written in one transaction.
import type { Decision, History, InboundMessage } from '../engine/evaluate.js';
import type { Db } from './database.js';

export interface StoredMessage {
  sid: string;
  msg: InboundMessage;
  decision: Decision;
  responseXml: string;
  rulesVersion: string | null;
}

export type DecideResult = { duplicate: true; responseXml: string } | { duplicate: false; responseXml: string; stored: StoredMessage };

export class Store implements History {
  private readonly stmt;

  constructor(readonly db: Db) {
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
        `SELECT received_at AS at FROM messages WHERE from_number = ? AND rule = ? AND outcome = 'replied'
         ORDER BY received_at DESC LIMIT 1`,
      ),
      repliesSince: db.prepare<[string, string, string], { n: number }>(
        `SELECT count(*) AS n FROM messages WHERE from_number = ? AND to_number = ? AND received_at > ? AND outcome = 'replied'`,
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
  }

  lastReplyAt(rule: string, from: string): number | undefined {
    const row = this.stmt.lastReply.get(from, rule);
    return row ? Date.parse(row.at) : undefined;
  }

  repliesSince(from: string, to: string, sinceMs: number): number {
    return this.stmt.repliesSince.get(from, to, new Date(sinceMs).toISOString())?.n ?? 0;
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
    try {
      const result = this.decideOnceInner(sid, at, decide);
      this.lastWriteFailure = null;
      return result;
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('SQLITE')) this.lastWriteFailure = { at: new Date(), message: (err as Error).message };
      throw err;
    }
  }

  /** The last message that could not be stored, until one is stored again (GET /healthz reads it). */
  lastWriteFailure: { at: Date; message: string } | null = null;

  private decideOnceInner(sid: string, at: Date, decide: () => Omit<StoredMessage, 'sid'>): DecideResult {
    return this.db
      .transaction((): DecideResult => {
        const seen = this.stmt.findResponse.get(sid);
        if (seen) {
          this.stmt.countDelivery.run(at.toISOString(), sid);
          return { duplicate: true, responseXml: seen.response_xml };
        }
        const stored = { sid, ...decide() };
        this.insert(stored);
        return { duplicate: false, responseXml: stored.responseXml, stored };
      })
      .immediate();
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

  /** True when a write transaction can be started now (used by GET /healthz). */
  isWritable(): boolean {
    try {
      this.db.prepare('BEGIN IMMEDIATE').run();
      this.db.prepare('ROLLBACK').run();
      return true;
    } catch {
      if (this.db.inTransaction) this.db.prepare('ROLLBACK').run();
      return false;
    }
  }

  recordRuleSet(version: string, source: string, at: Date): void {
    this.stmt.insertRuleSet.run(version, at.toISOString(), source);
  }

  recordRuleLoad(at: Date, version: string | null, ok: boolean, problems: string): void {
    this.stmt.insertRuleLoad.run(at.toISOString(), version, ok ? 1 : 0, problems || null);
  }
}
