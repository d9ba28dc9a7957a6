import { parseRules } from '../../src/rules/parse.js';
import type { RuleSet } from '../../src/rules/types.js';
import type { History, InboundMessage } from '../../src/engine/evaluate.js';

/** A rule set from inline YAML; fails the test with the problems when it does not load. */
export function rulesFrom(yaml: string): RuleSet {
  const { ruleSet, problems } = parseRules(yaml, 'rules.yaml');
  if (!ruleSet) throw new Error(`rules did not load:\n${problems.map((p) => `${p.line}:${p.col} ${p.message}`).join('\n')}`);
  return ruleSet;
}

export function message(overrides: Partial<InboundMessage> & { params?: Record<string, string> } = {}): InboundMessage {
  const from = overrides.from ?? '+15550001111';
  const to = overrides.to ?? '+15550002222';
  const body = overrides.body ?? 'hello';
  const numMedia = overrides.numMedia ?? 0;
  return {
    from,
    to,
    body,
    numMedia,
    receivedAt: overrides.receivedAt ?? new Date('2026-12-02T10:00:00Z'),
    params: { From: from, To: to, Body: body, MessageSid: 'SMtest', NumMedia: String(numMedia), ...overrides.params },
  };
}

/** Earlier messages kept in memory; enough for cooldown and limits in unit tests. */
export function memoryHistory(): History & { replied(rule: string, from: string, to: string, at: Date): void; optOut(from: string, to: string): void } {
  const replies: { rule: string; from: string; to: string; at: number }[] = [];
  const optedOut = new Set<string>();
  return {
    lastReplyAt: (rule, from) => {
      const times = replies.filter((r) => r.rule === rule && r.from === from).map((r) => r.at);
      return times.length ? Math.max(...times) : undefined;
    },
    repliesSince: (from, to, since) => replies.filter((r) => r.from === from && r.to === to && r.at > since).length,
    isOptedOut: (from, to) => optedOut.has(`${from} ${to}`),
    replied: (rule, from, to, at) => replies.push({ rule, from, to, at: at.getTime() }),
    optOut: (from, to) => optedOut.add(`${from} ${to}`),
  };
}
