import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inHourRange, localTime, parseDuration, parseHours, parseLocalDateTime } from '../../src/engine/time.js';

/** The wall-clock time as Intl tells it, asked afresh (what localTime must always agree with). */
function intlTime(at: Date, zone: string) {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return { year: +p.year, month: +p.month, day: +p.day, hour: +p.hour, minute: +p.minute, second: +p.second, weekday: p.weekday.toLowerCase().slice(0, 3) };
}

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

  it('tells the local time like Intl, second by second, also across daylight saving changes and odd offsets', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC', 'Africa/Monrovia'];
    const changes = ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2026-03-08T07:00:00Z', '2026-04-05T15:00:00Z', '1972-01-07T00:00:00Z'].map(Date.parse);
    for (const zone of zones) {
      for (const change of changes) {
        // Messages arrive in time order: every 7 s from 3 minutes before a change to 3 after.
        for (let t = change - 180_000; t <= change + 180_000; t += 7_000) expect(localTime(new Date(t), zone), `${zone} ${new Date(t).toISOString()}`).toEqual(intlTime(new Date(t), zone));
      }
    }
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.array(fc.integer({ min: Date.parse('1900-01-01'), max: Date.parse('2100-01-01') }), { minLength: 1, maxLength: 5 }), (zone, times) => {
        for (const t of times.flatMap((x) => [x, x + 1000, x + 59_000])) expect(localTime(new Date(t), zone)).toEqual(intlTime(new Date(t), zone));
      }),
      { numRuns: 300 },
    );
  });

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
