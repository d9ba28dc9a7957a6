import { describe, expect, it } from 'vitest';
import { readPatternShape } from '../../src/rules/pattern-shape.js';

// The quick look must never say "linear" for a pattern recheck finds super-linear, and must flag
// every shape that can be exponential; it may overestimate (that only costs a recheck call).
describe('readPatternShape', () => {
  it.each([
    // pattern, least degree the estimate must reach, repeated group
    ['\\b(hours|open)\\b', 1, false],
    ['^\\+49(15|16|17)', 1, false],
    ['\\s+$', 2, false],
    ['\\d+\\d+$', 3, false],
    ['a.*b.*c.*d', 4, false],
    ['^\\s*(thanks?|thank you|ok)\\s*[.!]*\\s*$', 2, false],
    ['\\w+\\d+', 2, false],
    ['(a+)+$', 1, true],
    ['^(\\w+\\s?)*$', 1, true],
    ['(.*)*x', 1, true],
    ['(ab){2,50}', 1, true],
  ] as const)('%s', (pattern, atLeast, repeatedGroup) => {
    new RegExp(pattern, 'iu'); // the shape reader only sees valid patterns
    const shape = readPatternShape(pattern);
    expect(shape.degree).toBeGreaterThanOrEqual(atLeast);
    expect(shape.repeatedGroup).toBe(repeatedGroup);
  });

  it('sees through anchors, classes and escapes: these are linear', () => {
    for (const p of ['^\\s*status\\s+#?(?<order>\\d+)$', '^[a-z]+$', '^\\p{L}+$', '^\\u00e4x+$', '^STOP$']) {
      expect(readPatternShape(p).degree, p).toBe(1);
    }
  });

  it('marks back references and lookarounds, which only recheck can judge', () => {
    for (const p of ['(\\w+)\\s\\1', '(?<w>\\w+) \\k<w>', 'a(?=b)', '(?<!x)y', '(?!no)yes']) {
      expect(readPatternShape(p).special, p).toBe(true);
    }
    expect(readPatternShape('(?<name>x)').special).toBe(false);
  });
});
