// What `autoreply try` prints: the engine's decision and trace in plain, aligned words for the
// people who edit rules.yaml, or as JSON for editors. Only words here; the deciding is evaluate's.
import type { Decision, InboundMessage, RuleTrace } from '../engine/evaluate.js';
import { describeSms, measureSms } from '../engine/segments.js';
import { localTime } from '../engine/time.js';
import { emptyResponse, renderLaml } from '../laml.js';
import type { RuleSet } from '../rules/types.js';

export interface TryResult {
  ruleSet: RuleSet;
  msg: InboundMessage;
  decision: Decision;
  /** Present with --explain. */
  trace?: RuleTrace[];
  /** The database the try was recorded in (--db), if any. */
  db?: string;
  sid: string;
}

const labelWidth = 10;
const indent = ' '.repeat(labelWidth);

function field(label: string, text: string): string {
  const [first, ...rest] = text.split('\n');
  return [`${`${label}:`.padEnd(labelWidth)}${first}`, ...rest.map((l) => indent + l)].join('\n');
}

/** 43 200 000 → "12h", 5 400 000 → "1h30m". */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  let rest = ms;
  let out = '';
  for (const [name, size] of units) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${name}`;
      rest %= size;
    }
  }
  return out || '0s';
}

export function lamlOf(decision: Decision): string {
  return decision.messages.length ? renderLaml(decision.messages) : emptyResponse;
}

function ruleOf(r: TryResult) {
  return r.ruleSet.rules.find((x) => x.name === r.decision.rule);
}

function describeTime(at: Date, zone: string): string {
  const t = localTime(at, zone);
  const two = (n: number) => String(n).padStart(2, '0');
  const day = t.weekday[0].toUpperCase() + t.weekday.slice(1);
  return `${day} ${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)} (${zone})`;
}

/** The decision in one sentence, for every outcome but a plain reply. */
export function describeOutcome(r: TryResult): string | null {
  const { decision: d, ruleSet: rs } = r;
  const rule = ruleOf(r);
  switch (d.outcome) {
    case 'replied':
      return null;
    case 'no_match':
      return 'No rule answers this message; the provider gets an empty <Response/>, nothing is sent.';
    case 'silent':
      return `The rule "${d.rule}" has no reply, so it stays silent: nothing is sent, the message is only recorded.`;
    case 'cooldown':
      return `Nothing is sent: the rule "${d.rule}" already answered this sender within its cooldown${rule?.cooldownMs ? ` of ${formatDuration(rule.cooldownMs)}` : ''}.`;
    case 'rate_limited': {
      const limit = rs.settings.replyLimit;
      return `Nothing is sent: this sender already got the most replies the reply limit allows${limit ? ` (${limit.max} in ${formatDuration(limit.perMs)})` : ''}.`;
    }
    case 'opted_out':
      if (d.rule) return 'This sender has opted out: nothing goes back to them; only forwards to other numbers are sent.';
      return `"${d.optOut?.keyword ?? r.msg.body.trim()}" is an opt-out word: from now on this sender gets no replies from this number${r.db ? '' : ' (without --db nothing is remembered)'}.`;
    case 'opted_in':
      return `"${d.optOut?.keyword ?? r.msg.body.trim()}" brings an opted-out sender back: they get replies again.`;
    case 'error':
      return 'Nothing is sent: the reply could not be written (see the error).';
  }
}

function describeReply(m: Decision['messages'][number]): string {
  const lines: string[] = [];
  if (m.to !== null) lines.push(`to ${m.to}`);
  lines.push(m.body === '' ? '(no text)' : m.body);
  lines.push(describeSms(measureSms(m.body)));
  for (const url of m.media) lines.push(`Media: ${url}`);
  return lines.join('\n');
}

/** What the answering rule's line says beyond "matches": cooldown, silence, what held it back. */
function matchedReason(r: TryResult, reason: string): string {
  const rule = ruleOf(r);
  const cooldown = rule?.cooldownMs ? formatDuration(rule.cooldownMs) : null;
  switch (r.decision.outcome) {
    case 'replied':
      if (!cooldown) return reason;
      return `${reason} (cooldown ${cooldown}: it has not answered this sender within that time${r.db ? '' : '; without --db no earlier messages are known'})`;
    case 'cooldown':
      return `${reason}, but it already answered this sender within its cooldown of ${cooldown}`;
    case 'silent':
      return `${reason} (it has no reply, so it stays silent)`;
    case 'rate_limited':
      return `${reason}, but the reply limit holds the reply back`;
    case 'opted_out':
      return `${reason}, but the sender has opted out`;
    case 'error':
      return `${reason}, but its reply could not be written`;
    default:
      return reason;
  }
}

type Mark = 'matched' | 'failed' | 'not-tried';

function markTrace(trace: RuleTrace[]): { entry: RuleTrace; mark: Mark }[] {
  const answered = trace.findIndex((t) => t.matched);
  return trace.map((entry, i) => ({ entry, mark: entry.matched ? 'matched' : answered >= 0 && i > answered ? 'not-tried' : 'failed' }));
}

function renderExplain(r: TryResult): string {
  const trace = r.trace ?? [];
  if (trace.length === 0) {
    if (r.decision.outcome === 'opted_out') return `No rule is tried: "${r.decision.optOut?.keyword}" is an opt-out word.`;
    if (r.decision.outcome === 'opted_in') return `No rule is tried: "${r.decision.optOut?.keyword}" is a start word and this sender had opted out.`;
    return 'The file has no rules.';
  }
  const symbols: Record<Mark, string> = { matched: '✓', failed: '✗', 'not-tried': '·' };
  const labels = trace.map((t) => `${t.rule} (line ${t.line}):`);
  const width = Math.max(...labels.map((l) => l.length));
  const lines = markTrace(trace).map(({ entry, mark }, i) => {
    const reason = mark === 'matched' ? matchedReason(r, entry.reason) : entry.reason;
    return ` ${symbols[mark]} ${labels[i].padEnd(width)} ${reason}`;
  });
  return ['Rules, top to bottom (the first that fits answers):', ...lines].join('\n');
}

export function renderTryText(r: TryResult): string {
  const { msg, decision: d } = r;
  const out: string[] = [];
  const pictures = msg.numMedia ? ` with ${msg.numMedia} picture${msg.numMedia === 1 ? '' : 's'}` : '';
  out.push(field('Message', `${JSON.stringify(msg.body)} from ${msg.from} to ${msg.to}${pictures}`));
  out.push(field('Time', describeTime(msg.receivedAt, r.ruleSet.settings.timezone)));
  const rule = ruleOf(r);
  out.push(field('Rule', rule ? `${rule.name} (line ${rule.line})` : 'none'));
  const outcome = describeOutcome(r);
  if (outcome) out.push(field('Result', outcome));
  if (d.error) out.push(field('Error', d.error));
  d.messages.forEach((m, i) => out.push(field(`Reply ${i + 1}`, describeReply(m))));
  for (const note of d.notes) out.push(field('Note', note));
  out.push(field('LaML', lamlOf(d)));
  out.push(
    r.db
      ? `Recorded in ${r.db} as ${r.sid}, like a real message (cooldowns and the reply limit count it). Nothing was sent.`
      : 'Nothing was sent or recorded. Add --db FILE to remember tries for cooldowns and the reply limit.',
  );
  if (r.trace) out.push('', renderExplain(r));
  return `${out.join('\n')}\n`;
}

export function renderTryJson(r: TryResult): string {
  const { msg, decision: d } = r;
  const rule = ruleOf(r);
  const json = {
    message: { from: msg.from, to: msg.to, body: msg.body, media: msg.numMedia, at: msg.receivedAt.toISOString(), message_sid: r.sid },
    rule: d.rule,
    line: rule?.line ?? null,
    outcome: d.outcome,
    summary: describeOutcome(r),
    replies: d.messages.map((m) => {
      const size = measureSms(m.body);
      return { to: m.to, body: m.body, media: m.media, sms: { segments: size.segments, encoding: size.encoding, characters: size.units, ...(size.firstNonGsm ? { first_non_gsm: size.firstNonGsm } : {}) } };
    }),
    notes: d.notes,
    ...(d.error ? { error: d.error } : {}),
    laml: lamlOf(d),
    recorded_in: r.db ?? null,
    ...(r.trace ? { explain: markTrace(r.trace).map(({ entry, mark }) => ({ rule: entry.rule, line: entry.line, result: mark, reason: mark === 'matched' ? matchedReason(r, entry.reason) : entry.reason })) } : {}),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
