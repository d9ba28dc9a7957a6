// The "this rule can never answer" warnings: the filing that lets each rule meet only the rules
// above it that could cover it must find exactly what comparing every pair finds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRules } from '../../src/rules/parse.js';
import { covers, summarize, warnUnreachableRules } from '../../src/rules/reachability.js';
import type { RuleSet } from '../../src/rules/types.js';

const keywords = ['HI', 'MENU', 'JOIN', 'NEWS'];
const patterns = ['hours', '^open', 'refund|money back', '\\d+'];
const senders = ['^\\+4917', '^\\+1'];

interface RuleSpec {
  keyword?: string[];
  body?: string[];
  from?: string[];
  media?: boolean;
  when?: string[];
  unless?: boolean;
}

const subset = (list: string[]) => fc.subarray(list, { minLength: 1 });
const rule: fc.Arbitrary<RuleSpec> = fc.record(
  {
    keyword: subset(keywords),
    body: subset(patterns),
    from: subset(senders),
    media: fc.boolean(),
    when: fc.subarray(['sat', 'sun'], { minLength: 1 }),
    unless: fc.constant(true),
  },
  { requiredKeys: [] },
);

function toYaml(rules: RuleSpec[]): string {
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  const lines = ['version: 1', 'rules:'];
  rules.forEach((r, i) => {
    lines.push(`  - name: r${i}`);
    const match = [
      r.keyword && `      keyword: ${list(r.keyword)}`,
      r.body && `      body: ${list(r.body)}`,
      r.from && `      from: ${list(r.from)}`,
      r.media !== undefined && `      media: ${r.media}`,
    ].filter(Boolean);
    if (match.length) lines.push('    match:', ...(match as string[]));
    if (r.when) lines.push('    when:', `      days: ${list(r.when)}`);
    if (r.unless) lines.push('    unless:', '      body: "later"');
    lines.push(`    reply: "r${i}"`);
  });
  return `${lines.join('\n')}\n`;
}

function load(yaml: string) {
  const result = parseRules(yaml, 'rules.yaml');
  if (!result.ruleSet) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.ruleSet;
}

/** The first rule above each rule that covers it, found by comparing every pair. */
function blockersByEveryPair(rs: RuleSet): (string | null)[] {
  const summaries = rs.rules.map(summarize);
  return summaries.map((later, i) => summaries.slice(0, i).find((earlier) => covers(earlier, later))?.rule.name ?? null);
}

function blockersWarned(yaml: string, rs: RuleSet): (string | null)[] {
  const { problems } = parseRules(yaml, 'rules.yaml', { checks: [warnUnreachableRules] });
  return rs.rules.map((r) => {
    const warned = problems.find((p) => p.message.startsWith(`rule ${r.index + 1} "${r.name}": this rule can never answer`));
    return warned ? /(rule \d+ "(r\d+)") above it/.exec(warned.message)![2] : null;
  });
}

describe('warnUnreachableRules', () => {
  it('names the same first blocking rule as comparing every pair of rules', () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 12 }), (rules) => {
        const yaml = toYaml(rules);
        const rs = load(yaml);
        expect(blockersWarned(yaml, rs)).toEqual(blockersByEveryPair(rs));
      }),
      { numRuns: 300 },
    );
  });

  it('warns once per keyword taken by a plain keyword rule above, naming the first such rule', () => {
    // r3 has a time window, so it does not take JOIN from r4.
    const yaml = toYaml([{ keyword: ['HI'] }, { keyword: ['HI'] }, { keyword: ['HI', 'MENU'] }, { keyword: ['JOIN'], when: ['sat'] }, { keyword: ['JOIN', 'NEWS'] }]);
    const { problems } = parseRules(yaml, 'rules.yaml', { checks: [warnUnreachableRules] });
    expect(problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '7: rule 2 "r1": this rule can never answer: rule 1 "r0" above it answers every message this rule would',
      '13: rule 3 "r2": messages starting with the keyword "HI" never reach this rule: rule 1 "r0" above it has the same keyword and answers first',
    ]);
  });

  it('compares each rule with a few others, not with every rule above it', () => {
    // 3000 keyword rules and 3000 pattern rules, none covering another: with every pair
    // compared this took seconds; the check must stay linear (counted, not timed).
    const rules: RuleSpec[] = [];
    for (let i = 0; i < 3000; i++) rules.push({ keyword: [`K${i}`] }, { body: [`order ${i}`] });
    const rs = load(toYaml(rules));
    let compared = 0;
    const counting = { ...rs, rules: rs.rules.map((r) => new Proxy(r, { get: (t, k) => (k === 'unless' && compared++, Reflect.get(t, k)) })) };
    expect(warnUnreachableRules(counting, { valueAt: () => ({ line: 1, col: 1, length: 1 }) } as never)).toEqual([]);
    expect(compared).toBeLessThan(rules.length * 3);
  });
});
