import { describe, expect, it } from 'vitest';
import { GuardedPattern, PatternTooSlow } from '../../src/engine/guarded-pattern.js';

// 'a.*b.*c.*d' on this text takes about a minute of backtracking without the guard.
const attack = 'a'.repeat(533) + 'cd' + 'b'.repeat(533) + 'c'.repeat(533);

describe('GuardedPattern', () => {
  it('searches short texts itself and long ones in the worker, with the same answer and groups', () => {
    const re = new GuardedPattern('status (?<order>\\d+)', 'iu', 10);
    const short = re.exec('STATUS 42');
    expect(short?.groups?.order).toBe('42');
    const longText = `${'x'.repeat(50)} status 77 ${'y'.repeat(50)}`;
    const long = re.exec(longText);
    expect(long?.[0]).toBe('status 77');
    expect(long?.index).toBe(51);
    expect(long?.groups).toEqual({ order: '77' });
    expect(re.exec('nothing here'.repeat(10))).toBeNull();
    expect(re.test('status 1')).toBe(true); // RegExp.prototype.test goes through exec
  });

  it('stops a search that takes too long, and the next search works again', () => {
    const re = new GuardedPattern('a.*b.*c.*d', 'iu', 64);
    // Unguarded, this search runs for about a minute, far past the test's time-out.
    expect(() => re.exec(attack)).toThrow(new PatternTooSlow('a.*b.*c.*d', attack.length));
    expect(re.exec(`a${'-'.repeat(100)}bcd`)?.[0]).toBe(`a${'-'.repeat(100)}bcd`);
  });
});
