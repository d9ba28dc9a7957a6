// POST WEBHOOK_PATH: one inbound SMS/MMS in, one LaML document out — decided once per MessageSid
// and stored before it is returned.
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { evaluateOrError, type InboundMessage } from '../engine/evaluate.js';
import { emptyResponse, renderLaml } from '../laml.js';
import type { RuleSet } from '../rules/types.js';
import type { Store } from '../store/store.js';
import type { SignatureCheck } from './auth.js';
import { BadRequest, bodyKind, parseForm, parseJson, readRawBody, type Fields } from './body.js';

export const requiredFields = ['From', 'To', 'Body', 'MessageSid'] as const;

export interface WebhookDeps {
  rules: { readonly current: RuleSet };
  store: Store;
  clock: () => Date;
  logger: Logger;
  /** LOG_BODIES: put the message text and reply texts into the log line (personal data). */
  logBodies?: boolean;
  /** Set when AUTH_TOKEN is: refuses requests the provider did not sign (answers 403 itself). */
  checkSignature?: SignatureCheck;
  /** Told about each answered delivery (metrics). */
  onAnswered?: (info: { outcome: string; rule: string | null; duplicate: boolean; seconds: number }) => void;
}

/** The message as the engine sees it. Repeated fields: the first value counts; all are stored. */
export function toInbound(fields: Fields, receivedAt: Date): { sid: string; msg: InboundMessage; stored: Record<string, string | string[]> } {
  const missing = requiredFields.filter((f) => !fields.has(f) || (f !== 'Body' && fields.get(f)![0] === ''));
  if (missing.length) throw new BadRequest(400, `missing required field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  const params: Record<string, string> = Object.create(null);
  const stored: Record<string, string | string[]> = Object.create(null); // a field may be named __proto__
  for (const [name, values] of fields) {
    params[name] = values[0];
    stored[name] = values.length === 1 ? values[0] : values;
  }
  const numMedia = Number.parseInt(params.NumMedia ?? '0', 10);
  return {
    sid: params.MessageSid,
    stored,
    msg: {
      from: params.From,
      to: params.To,
      body: params.Body,
      numMedia: Number.isFinite(numMedia) && numMedia > 0 ? numMedia : 0,
      params,
      receivedAt,
    },
  };
}

export function createWebhookHandler(deps: WebhookDeps) {
  const { store, logger } = deps;
  return async (ctx: Context): Promise<void> => {
    const started = process.hrtime.bigint();
    const kind = bodyKind(ctx.get('content-type'));
    const raw = await readRawBody(ctx.req);
    const fields = kind === 'form' ? parseForm(raw) : parseJson(raw);
    if (deps.checkSignature && !deps.checkSignature(ctx, raw, kind, fields)) return;
    const now = deps.clock();
    const { sid, msg, stored } = toInbound(fields, now);
    const ruleSet = deps.rules.current; // one version of the rules answers the whole request

    let result;
    try {
      result = await store.decide(sid, now, () => {
        const { decision } = evaluateOrError(ruleSet, msg, store, {
          onError: (err) => logger.error({ message_sid: sid, err }, 'the rules could not decide this message'),
        });
        const responseXml = decision.messages.length ? renderLaml(decision.messages) : emptyResponse;
        return { msg: { ...msg, params: stored as Record<string, string> }, decision, responseXml, rulesVersion: ruleSet.version };
      });
    } catch (err) {
      // Nothing is acknowledged that was not stored: ask the provider to retry later.
      logger.error({ message_sid: sid, err: (err as Error).message }, 'could not record the message; answered 503 so the provider retries');
      ctx.status = 503;
      ctx.set('Retry-After', '5');
      ctx.type = 'text/plain';
      ctx.body = 'The message could not be stored right now. Please retry.';
      return;
    }

    ctx.status = 200;
    ctx.type = 'text/xml; charset=utf-8';
    ctx.body = result.responseXml;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.duplicate) {
      logger.info({ message_sid: sid, duplicate: true, duration_ms: +(seconds * 1000).toFixed(2) }, 'duplicate delivery answered from the record');
      deps.onAnswered?.({ outcome: 'duplicate', rule: null, duplicate: true, seconds });
      return;
    }
    const { decision } = result.stored;
    const line = {
      message_sid: sid,
      rule: decision.rule,
      outcome: decision.outcome,
      replies: decision.messages.length,
      rules_version: ruleSet.version.slice(0, 12),
      duration_ms: +(seconds * 1000).toFixed(2),
      ...(decision.error ? { error: decision.error } : {}),
      ...(decision.notes.length ? { notes: decision.notes } : {}),
      ...(deps.logBodies ? { Body: msg.body, replies_text: decision.messages.map((m) => m.body) } : {}),
    };
    logger.info(line, 'message answered');
    deps.onAnswered?.({ outcome: decision.outcome, rule: decision.rule, duplicate: false, seconds });
  };
}
