// Decides what to answer one message: opt-out words first, then the rules top to bottom, then
// cooldown and the reply limit. Pure apart from the History it is given, so the server, `try`
// and the file's own tests all run exactly this code.
import { cleanText } from '../laml.js';
import type { CompiledCondition, CompiledRule, RuleSet } from '../rules/types.js';
import { inHourRange, localTime, type LocalTime } from './time.js';
import { describeCondition, describeHours, describePatterns } from './explain-words.js';
import { normalizeWord, splitFirstWord } from './words.js';
import { candidateRules } from './rule-index.js';

export const maxReplyLength = 1600;

export type Outcome = 'replied' | 'silent' | 'no_match' | 'cooldown' | 'error' | 'opted_out' | 'opted_in' | 'rate_limited';
export const outcomes: readonly Outcome[] = ['replied', 'silent', 'no_match', 'cooldown', 'error', 'opted_out', 'opted_in', 'rate_limited'];

export interface InboundMessage {
  from: string;
  to: string;
  body: string;
  numMedia: number;
  /** Every posted field, by its own name (From, To, Body, MessageSid, NumMedia, MediaUrl0, ...). */
  params: Record<string, string>;
  receivedAt: Date;
}

/** What the decision needs to know about earlier messages (SQLite in the server, memory in `try`). */
export interface History {
  /** When `rule` last replied to `from` (ms since epoch), if ever. */
  lastReplyAt(rule: string, from: string): number | undefined;
  /**
   * How many messages from `from` to `to` got a message back to the sender since `sinceMs`
   * (forwards to staff do not count), counted up to `atMost`: more is never needed.
   */
  repliesSince(from: string, to: string, sinceMs: number, atMost: number): number;
  isOptedOut(from: string, to: string): boolean;
}

export interface RenderedMessage {
  /** null: back to the sender. */
  to: string | null;
  body: string;
  media: string[];
}

export interface Decision {
  outcome: Outcome;
  rule: string | null;
  messages: RenderedMessage[];
  error?: string;
  /** Things worth a log line: a reply cut to 1600 characters, replies held back. */
  notes: string[];
  /** An opt-out or opt-in to record for this (From, To) pair. */
  optOut?: { action: 'stop' | 'start'; keyword: string };
}

export interface RuleTrace {
  rule: string;
  line: number;
  matched: boolean;
  reason: string;
}

interface Scratch {
  msg: InboundMessage;
  first?: { word: string; args: string };
  local?: LocalTime;
  zone: string;
  groups: Record<string, string>;
  /** Name the rule's own patterns, days and hours in the reasons (`try --explain` only). */
  explain?: boolean;
}

function firstWord(s: Scratch) {
  return (s.first ??= splitFirstWord(s.msg.body));
}

function testPatterns(list: RegExp[] | undefined, text: string, groups: Record<string, string> | null): boolean {
  if (!list) return true;
  for (const re of list) {
    const m = re.exec(text);
    if (m) {
      if (groups && m.groups) for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) groups[k] = v;
      return true;
    }
  }
  return false;
}

/** Why a condition does not fit the message, or null when it fits. Cheapest checks first. */
function conditionMismatch(c: CompiledCondition, s: Scratch, groups: Record<string, string> | null): string | null {
  if (c.keywords && !c.keywords.has(firstWord(s).word)) return s.explain ? `the first word is not ${[...c.keywords].join(' or ')}` : 'the first word is not a keyword';
  if (c.media !== undefined && c.media !== s.msg.numMedia > 0) return c.media ? 'the message has no pictures' : 'the message has pictures';
  if (!testPatterns(c.from, s.msg.from, groups)) return s.explain ? `the sender's number does not match ${describePatterns(c.from!)}` : "the sender's number does not match";
  if (!testPatterns(c.to, s.msg.to, groups)) return s.explain ? `your number does not match ${describePatterns(c.to!)}` : 'your number does not match';
  if (!testPatterns(c.body, s.msg.body, groups)) return s.explain ? `the message text does not match ${describePatterns(c.body!)}` : 'the message text does not match';
  return null;
}

function ruleMismatch(rule: CompiledRule, s: Scratch): string | null {
  const groups: Record<string, string> = {};
  if (rule.match) {
    const why = conditionMismatch(rule.match, s, groups);
    if (why) return why;
  }
  if (rule.when) {
    const t = (s.local ??= localTime(s.msg.receivedAt, s.zone));
    if (rule.when.days && !rule.when.days.has(t.weekday)) return `it is ${t.weekday}, outside the rule's days${s.explain ? ` (${[...rule.when.days].join(', ')})` : ''}`;
    if (rule.when.hours && !inHourRange(rule.when.hours, t.hour * 60 + t.minute)) {
      return `it is ${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}, outside the rule's hours${s.explain ? ` (${describeHours(rule.when.hours)})` : ''}`;
    }
  }
  if (rule.unless && conditionMismatch(rule.unless, s, null) === null) return s.explain ? `the "unless" part matches (${describeCondition(rule.unless)})` : 'the "unless" part matches';
  s.groups = groups;
  return null;
}

/** The rules worth testing, in file order (rule-index.ts: by keyword, and by the words patterns need). */
function candidates(rs: RuleSet, s: Scratch): number[] {
  return candidateRules(rs, s.msg.body, firstWord(s).word);
}

export interface EvaluateOptions {
  /** Collect why each rule did or did not answer (for `autoreply try --explain`). */
  explain?: boolean;
}

export function evaluate(
  rs: RuleSet,
  msg: InboundMessage,
  history: History,
  options: EvaluateOptions = {},
): { decision: Decision; trace: RuleTrace[] } {
  const trace: RuleTrace[] = [];
  const s: Scratch = { msg, zone: rs.settings.timezone, groups: {}, explain: options.explain };
  const { optOut } = rs.settings;
  const whole = optOut.enabled ? normalizeWord(msg.body) : '';
  const optedOut = optOut.enabled && history.isOptedOut(msg.from, msg.to);

  if (optOut.enabled && optOut.stopWords.has(whole)) {
    const { messages, error } = confirmation(!optedOut ? optOut.stopReply : null, msg);
    return { decision: { outcome: 'opted_out', rule: null, messages, notes: [], error, optOut: { action: 'stop', keyword: whole } }, trace };
  }
  if (optedOut && optOut.startWords.has(whole)) {
    const { messages, error } = confirmation(optOut.startReply, msg);
    return { decision: { outcome: 'opted_in', rule: null, messages, notes: [], error, optOut: { action: 'start', keyword: whole } }, trace };
  }

  let rule: CompiledRule | undefined;
  const order = options.explain ? rs.rules.map((_, i) => i) : candidates(rs, s);
  for (const pos of order) {
    const candidate = rs.rules[pos];
    const why = ruleMismatch(candidate, s);
    if (options.explain) {
      trace.push({ rule: candidate.name, line: candidate.line, matched: why === null && !rule, reason: rule ? 'not tried, an earlier rule answered' : (why ?? 'matches') });
    }
    if (why === null && !rule) {
      rule = candidate;
      if (!options.explain) break;
    }
  }
  if (!rule) return { decision: { outcome: 'no_match', rule: null, messages: [], notes: [] }, trace };

  const decided = (d: Omit<Decision, 'rule' | 'notes'> & { notes?: string[] }): { decision: Decision; trace: RuleTrace[] } => ({
    decision: { rule: rule!.name, notes: [], ...d },
    trace,
  });
  const now = msg.receivedAt.getTime();
  if (rule.cooldownMs) {
    const last = history.lastReplyAt(rule.name, msg.from);
    if (last !== undefined && now - last < rule.cooldownMs) {
      return decided({ outcome: 'cooldown', messages: [], notes: [`rule "${rule.name}" already answered this sender at ${new Date(last).toISOString()}`] });
    }
  }
  if (rule.replies === null) return decided({ outcome: 'silent', messages: [] });

  let messages: RenderedMessage[];
  const notes: string[] = [];
  try {
    const context = baseContext(msg, rule.name, firstWord(s).args, s.groups);
    messages = rule.replies.map((r, i) => {
      const out = render1(r.body.render(context), r.to?.render(context), r.media?.map((m) => cleanText(m.render(context)).trim()));
      if (out.truncated) notes.push(`reply ${i + 1} was ${out.truncated} characters long and was cut to ${maxReplyLength}`);
      return out;
    });
  } catch (err) {
    return decided({ outcome: 'error', messages: [], error: `the reply could not be written: ${(err as Error).message}` });
  }

  // A message with `to: "{{From}}"` goes to the sender too: it must not slip past an opt-out.
  const isToSender = (m: RenderedMessage) => m.to === null || m.to === msg.from;
  const toSender = messages.filter(isToSender);
  if (optedOut && toSender.length > 0) {
    return decided({ outcome: 'opted_out', messages: messages.filter((m) => !isToSender(m)), notes: [...notes, 'the sender opted out; only forwards were sent'] });
  }
  const limit = rs.settings.replyLimit;
  if (limit && toSender.length > 0 && history.repliesSince(msg.from, msg.to, now - limit.perMs, limit.max) >= limit.max) {
    return decided({ outcome: 'rate_limited', messages: [], notes: [...notes, `this sender already got ${limit.max} replies within the reply limit's time span`] });
  }
  return decided({ outcome: 'replied', messages, notes });
}

/**
 * evaluate(), where an unexpected failure (a slow pattern stopped, a template that throws) is
 * decided as an `error` outcome, so the message is still recorded. Database errors are thrown:
 * the caller must not acknowledge a message it could not store. No trace after a failure.
 */
export function evaluateOrError(
  rs: RuleSet,
  msg: InboundMessage,
  history: History,
  options: EvaluateOptions & { onError?: (err: unknown) => void } = {},
): { decision: Decision; trace?: RuleTrace[] } {
  try {
    return evaluate(rs, msg, history, options);
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('SQLITE')) throw err;
    options.onError?.(err);
    return { decision: { outcome: 'error', rule: null, messages: [], notes: [], error: (err as Error).message } };
  }
}

/** The stop_reply/start_reply text, if any. A failing template must not lose the opt-out itself. */
function confirmation(template: { render(context: Record<string, unknown>): string } | null, msg: InboundMessage): { messages: RenderedMessage[]; error?: string } {
  if (!template) return { messages: [] };
  try {
    return { messages: [render1(template.render(baseContext(msg, null, '')))] };
  } catch (err) {
    return { messages: [], error: `the opt-out confirmation could not be written: ${(err as Error).message}` };
  }
}

/**
 * What a template can read: the posted fields, then args, rule and now, then the pattern's named
 * groups (later names win). Copied field by field: spreading the fields (an object without a
 * prototype, so that any field name is safe) took 4x as long, 7 us of every reply.
 */
function baseContext(msg: InboundMessage, rule: string | null, args: string, groups?: Record<string, string>): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  copyFields(context, msg.params);
  context.args = args;
  context.rule = rule;
  context.now = msg.receivedAt.toISOString();
  if (groups) copyFields(context, groups);
  return context;
}

/** Copies every field; a field named "__proto__" stays a field instead of replacing the prototype. */
function copyFields(into: Record<string, unknown>, from: Record<string, string>): void {
  for (const name in from) {
    if (name === '__proto__') Object.defineProperty(into, name, { value: from[name], enumerable: true, writable: true, configurable: true });
    else into[name] = from[name];
  }
}

function render1(body: string, to?: string, media?: string[]): RenderedMessage & { truncated?: number } {
  const clean = cleanText(body);
  const chars = Array.from(clean);
  const out: RenderedMessage & { truncated?: number } = {
    to: to === undefined ? null : cleanText(to).trim() || null,
    body: chars.length > maxReplyLength ? chars.slice(0, maxReplyLength).join('') : clean,
    media: (media ?? []).filter((m) => m !== ''),
  };
  if (chars.length > maxReplyLength) out.truncated = chars.length;
  return out;
}
