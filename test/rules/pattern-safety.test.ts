import { describe, expect, it } from 'vitest';
import { checkPatternSpeed } from '../../src/rules/checks.js';
import { judgePattern, unguardedLength } from '../../src/rules/pattern-safety.js';

describe('judgePattern (recheck behind a quick look)', () => {
  it.each(['(a+)+$', '^(\\w+\\s?)*$', '(.*)*x', '^(a|a)*$', '([a-z]+)*@'])('refuses %s as exponential', (p) => {
    expect(judgePattern(p, 'iu').exponential).toBe(true);
    const verdict = checkPatternSpeed(p, 'iu');
    expect(verdict.problem?.severity).toBe('error');
    expect(verdict.problem?.message).toContain(`the pattern "${p}" can take practically forever`);
  });

  it.each(['\\b(hours|open)\\b', '^\\s*status\\s+#?(?<order>\\d+)\\s*$', '^(thanks|thank you)\\b', '\\bprice\\b'])('accepts %s', (p) => {
    const verdict = checkPatternSpeed(p, 'iu');
    expect(verdict.problem).toBeUndefined();
  });

  it('warns about a confirmed cubic-or-worse pattern and guards all but short texts', () => {
    const verdict = checkPatternSpeed('a.*b.*c.*d', 'iu');
    expect(verdict.problem?.severity).toBe('warning');
    expect(verdict.problem?.message).toContain('twice as long can take 16 times as long');
    expect(verdict.unguardedUpTo).toBeLessThan(100);
  });

  it('lets quadratic patterns search a long SMS without the worker, but not a 64 KiB body', () => {
    const limit = unguardedLength(judgePattern('\\s+$', 'iu').degree);
    expect(limit).toBeGreaterThan(1600);
    expect(limit).toBeLessThan(64 * 1024);
    expect(unguardedLength(1)).toBe(Infinity);
    expect(unguardedLength(Infinity)).toBe(0);
  });
});
