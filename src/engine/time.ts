// Clock arithmetic for rules: durations ("12h"), hour ranges ("18:00-08:00"), weekdays, and the
// local time of a moment in the rules' time zone.

export const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Day = (typeof dayNames)[number];

const unitMs: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "1h30m" → 5 400 000; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^(\d+[smhdw])+$/.test(compact)) return undefined;
  let total = 0;
  for (const [, n, unit] of compact.matchAll(/(\d+)([smhdw])/g)) total += Number(n) * unitMs[unit];
  return total;
}

export interface HourRange {
  /** Minutes after midnight; the start is included, the end is not. */
  start: number;
  end: number;
}

/** "18:00-08:00" → minutes; a plain-language reason when it is not a valid range. */
export function parseHours(text: string): HourRange | string {
  const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!m) return `"${text}" is not a time range; write it like "09:00-17:00"`;
  const [sh, sm, eh, em] = m.slice(1).map(Number);
  for (const [h, min] of [
    [sh, sm],
    [eh, em],
  ]) {
    if (h > 24 || min > 59 || (h === 24 && min !== 0)) {
      return `"${text}" contains a time that does not exist (${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')})`;
    }
  }
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  if (start === end) return `"${text}" starts and ends at the same time; write "00:00-24:00" for the whole day`;
  return { start, end };
}

export function inHourRange(range: HourRange, minuteOfDay: number): boolean {
  return range.start < range.end
    ? minuteOfDay >= range.start && minuteOfDay < range.end
    : minuteOfDay >= range.start || minuteOfDay < range.end; // wraps past midnight
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: Day;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The last minute asked about, per zone: messages arrive in time order, and every zone's offset
 * from UTC is a whole number of minutes today, so within one UTC minute only the seconds change.
 * Asking Intl costs ~4 us, a noticeable part of answering a message with `when` rules.
 */
const lastMinute = new Map<string, { minute: number; time: LocalTime }>();

/** The wall-clock time of `at` in `zone`. */
export function localTime(at: Date, zone: string): LocalTime {
  const ms = at.getTime();
  const minute = Math.floor(ms / 60_000);
  const cached = lastMinute.get(zone);
  if (cached && cached.minute === minute) return { ...cached.time, second: at.getUTCSeconds() };
  const time = askIntl(at, zone);
  // Zones whose offset had seconds (before ~1900) are left to Intl every time.
  if (Number.isFinite(ms) && time.second === at.getUTCSeconds()) lastMinute.set(zone, { minute, time });
  return time;
}

function askIntl(at: Date, zone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(zone).formatToParts(at)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: parts.weekday.toLowerCase().slice(0, 3) as Day,
  };
}

/**
 * "2026-12-24T19:00" read as a wall-clock time in `zone` (a time with Z or an offset is taken as
 * it is). Undefined when the text is not a date and time.
 */
export function parseLocalDateTime(text: string, zone: string): Date | undefined {
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim())) {
    const d = new Date(text);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?\s*$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  if (mo < 1 || mo > 12 || new Date(asUtc).getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  // Find the offset of the zone at that moment; twice, to settle across a daylight-saving change.
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const lt = localTime(new Date(guess), zone);
    const shown = Date.UTC(lt.year, lt.month - 1, lt.day, lt.hour, lt.minute, lt.second);
    guess += asUtc - shown;
  }
  return new Date(guess);
}
