import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { noHistory } from '../../src/engine/no-history.js';
import { candidateRules } from '../../src/engine/rule-index.js';
import { splitFirstWord } from '../../src/engine/words.js';
import { parseRules } from '../../src/rules/parse.js';
import type { RuleSet } from '../../src/rules/types.js';
import { patternArb, textArb, words } from '../support/patterns.js';
import { message, rulesFrom } from '../support/rules.js';

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

type RuleSpec = { kind: 'keyword'; word: string } | { kind: 'body'; patterns: string[]; caseSensitive: boolean; unless?: string };

const ruleArb: fc.Arbitrary<RuleSpec> = fc.oneof(
  fc.constantFrom(...words.filter((w) => /^[\p{L}\p{N}]+$/u.test(w))).map((word) => ({ kind: 'keyword' as const, word })),
  fc.record({ kind: fc.constant('body' as const), patterns: fc.array(patternArb, { minLength: 1, maxLength: 2 }), caseSensitive: fc.boolean(), unless: fc.option(patternArb, { nil: undefined }) }),
);

function yamlOf(specs: RuleSpec[]): string {
  const rules = specs.map((r, i) => {
    if (r.kind === 'keyword') return `  - name: r${i}\n    match: { keyword: ${quote(r.word)} }\n    reply: "r${i}"\n`;
    const body = `[${r.patterns.map(quote).join(', ')}]`;
    const unless = r.unless ? `    unless: { body: ${quote(r.unless)} }\n` : '';
    return `  - name: r${i}\n    match: { body: ${body} }\n${unless}${r.caseSensitive ? '    case_sensitive: true\n' : ''}    reply: "r${i} {{Body}}"\n`;
  });
  return `version: 1\nsettings:\n  reply_limit: off\n  opt_out: { enabled: false }\nrules:\n${rules.join('')}`;
}

function load(specs: RuleSpec[]): RuleSet | undefined {
  return parseRules(yamlOf(specs), 'rules.yaml').ruleSet;
}

describe('the rule index', () => {
  it('gives the same answer as trying every rule in order', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 25 }), fc.array(textArb, { minLength: 1, maxLength: 6 }), (specs, texts) => {
        const rs = load(specs);
        fc.pre(rs !== undefined);
        for (const body of texts) {
          const msg = message({ body });
          const everyRule = evaluate(rs!, msg, noHistory, { explain: true }).decision; // explain tries all rules in file order
          expect(evaluate(rs!, msg, noHistory).decision, `message ${JSON.stringify(body)}`).toEqual(everyRule);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never leaves out a rule whose body pattern matches the message', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 25 }), textArb, (specs, body) => {
        const rs = load(specs);
        fc.pre(rs !== undefined);
        const candidates = new Set(candidateRules(rs!, body, splitFirstWord(body).word));
        for (const pos of rs!.unkeyed) {
          const patterns = rs!.rules[pos].match?.body;
          if (patterns?.some((re) => re.test(body))) expect(candidates.has(pos), `rule ${pos} ${patterns.join(' or ')} matches ${JSON.stringify(body)}`).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('keeps file order and tries far fewer rules than the file has', () => {
    const catalogue = Array.from({ length: 300 }, (_, i) => `  - name: store-${1000 + i}\n    match: { body: '^\\s*(store|shop)\\s+#?${1000 + i}\\b' }\n    reply: "store ${1000 + i}"\n`).join('');
    const rs = rulesFrom(`version: 1\nrules:\n  - name: any-question\n    match: { body: '\\?\\s*$' }\n    reply: "?"\n${catalogue}  - name: fallback\n    reply: "thanks"\n`);
    const tried = candidateRules(rs, 'Store #1234 opening hours?', 'STORE');
    expect(tried).toEqual([0, 1 + 234, 301]); // the question rule, store-1234, the fallback
    expect(evaluate(rs, message({ body: 'store 1234 please' }), noHistory).decision.rule).toBe('store-1234');
    expect(evaluate(rs, message({ body: 'ſtore 1299' }), noHistory).decision.rule).toBe('store-1299'); // long s folds to s under `iu`
  });
});
