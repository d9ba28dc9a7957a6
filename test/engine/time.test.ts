import { describe, expect, it } from 'vitest';
import { inHourRange, parseDuration, parseHours, parseLocalDateTime } from '../../src/engine/time.js';

describe('time', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['12h', 43_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['2w', 1_209_600_000],
    ['12 hours', undefined],
    ['', undefined],
  ])('duration %j → %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('hour ranges include the start, exclude the end, and may wrap past midnight', () => {
    const day = parseHours('09:00-17:00');
    const night = parseHours('18:00-08:00');
    if (typeof day === 'string' || typeof night === 'string') throw new Error('should parse');
    expect([540, 1019, 1020].map((m) => inHourRange(day, m))).toEqual([true, true, false]);
    expect([1080, 0, 479, 480, 720].map((m) => inHourRange(night, m))).toEqual([true, true, true, false, false]);
  });

  it.each(['9-17', '25:00-26:00', '10:00-10:00', '09:60-10:00'])('refuses %j with a reason', (text) => {
    expect(typeof parseHours(text)).toBe('string');
  });

  it('reads local date-times in a zone, across daylight saving', () => {
    expect(parseLocalDateTime('2026-12-24T19:00', 'Europe/Berlin')?.toISOString()).toBe('2026-12-24T18:00:00.000Z');
    expect(parseLocalDateTime('2026-07-01T12:00:00', 'Europe/Berlin')?.toISOString()).toBe('2026-07-01T10:00:00.000Z');
    expect(parseLocalDateTime('2026-12-24T19:00:00Z', 'Europe/Berlin')?.toISOString()).toBe('2026-12-24T19:00:00.000Z');
    expect(parseLocalDateTime('2026-02-30T10:00', 'UTC')).toBeUndefined();
  });
});
