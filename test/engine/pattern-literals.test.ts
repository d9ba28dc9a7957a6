import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldForLiterals, literalNeed } from '../../src/engine/pattern-literals.js';
import { patternArb, textArb } from '../support/patterns.js';

const need = (source: string, flags = 'iu') => literalNeed(new RegExp(source, flags))?.literals ?? null;

describe('literalNeed', () => {
  it.each([
    ['^\\s*status\\s+#?(?<order>\\d+)\\s*$', ['status']],
    ['\\b(refund|money back|chargeback)\\b', ['refund', 'money back', 'chargeback']],
    ['^(track|where is)\\s+(my\\s+)?(order|parcel)\\b', ['track', 'where is']],
    ['\\bhow long\\b.*\\b(deliver|shipping)\\b', ['how long']],
    ['^\\s*track\\s+(?<nr>TR1234-\\d{4,})\\s*$', ['tr1234-']],
    ['Straße', ['stra']], // ß never folds to "ss" under `iu`: only "stra" is certain
    ['colou?r', ['colo']],
    ['(?:abc)+x', ['abc']],
    ['a\\.b\\.c', ['a.b.c']],
  ])('%s needs %j', (source, literals) => {
    expect(need(source)).toEqual(literals);
  });

  it.each([
    ['\\?\\s*$', 'too short to be worth indexing'],
    ['(abc|x)', 'one alternative needs nothing'],
    ['ab(?=cdef)', 'a lookahead consumes nothing'],
    ['(?!spam)\\w+', 'a negative lookahead needs an absence'],
    ['abc{0}', '{0} removes the c'],
    ['(hello)?', 'an optional group'],
    ['(hello)*', 'a group repeated zero or more times'],
    ['\\u0041BCD', 'code escapes are not parsed'],
    ['[abc]+', 'classes are not literals'],
  ])('%s needs nothing known (%s)', (source) => {
    expect(need(source)).toBeNull();
  });

  it('keeps case for case-sensitive patterns and gives up on syntax it does not parse', () => {
    expect(literalNeed(/STATUS/u)).toEqual({ literals: ['STATUS'], folded: false });
    expect(literalNeed(/status/i)).toBeNull(); // not `u`: Annex B syntax is not parsed
    expect(literalNeed(new RegExp('[[a-z]--[x]]abc', 'v'))).toBeNull();
  });

  it('never claims a literal that a matching text lacks (any pattern, any text)', () => {
    fc.assert(
      fc.property(patternArb, fc.boolean(), textArb, (source, caseSensitive, text) => {
        const re = new RegExp(source, caseSensitive ? 'u' : 'iu');
        const n = literalNeed(re);
        if (!n || !re.test(text)) return;
        const haystack = n.folded ? foldForLiterals(text) : text;
        expect(n.literals.some((l) => haystack.includes(l)), `${re} matches ${JSON.stringify(text)} but lacks all of ${JSON.stringify(n.literals)}`).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('foldForLiterals', () => {
  it('maps every character that `iu` treats as an ASCII character onto that character, for every code point', () => {
    const printable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
    const anyPrintable = /^[\x20-\x7e]$/iu;
    const wrong: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      if (!anyPrintable.test(c)) continue;
      for (const a of printable) {
        if (new RegExp(`^${a.replace(/[\^$\\.*+?()[\]{}|/]/, '\\$&')}$`, 'iu').test(c) && foldForLiterals(c) !== a.toLowerCase()) {
          wrong.push(`U+${cp.toString(16)} matches ${a}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('folds the long s and the Kelvin sign, which `iu` matches with s and k', () => {
    expect(new RegExp('status', 'iu').test('ſtatuſ')).toBe(true);
    expect(foldForLiterals('ſtatuſ')).toBe('status');
    expect(new RegExp('kelvin', 'iu').test('\u212aELVIN')).toBe(true);
    expect(foldForLiterals('\u212aELVIN')).toBe('kelvin');
  });
});
