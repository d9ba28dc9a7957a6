// Words for `autoreply try --explain`: the rule's own patterns, days and hours as the author
// wrote them. Only called when explaining, so answering a real message builds none of this.
import type { CompiledCondition } from '../rules/types.js';
import type { HourRange } from './time.js';

/** A pattern as written in rules.yaml (RegExp.source adds a backslash before every "/"). */
function showPattern(re: RegExp): string {
  return `'${re.source.replace(/\\\//g, '/')}'`;
}

/** `'^\+4917'`, or `any of '^\+4917', '^\+4915'`. */
export function describePatterns(list: readonly RegExp[]): string {
  return list.length === 1 ? showPattern(list[0]) : `any of ${list.map(showPattern).join(', ')}`;
}

/** What a condition asks for, e.g. `the message text matches 'unsubscribe'`. */
export function describeCondition(c: CompiledCondition): string {
  const parts: string[] = [];
  if (c.keywords) parts.push(`the first word is ${[...c.keywords].join(' or ')}`);
  if (c.media !== undefined) parts.push(c.media ? 'the message has pictures' : 'the message has no pictures');
  if (c.from) parts.push(`the sender's number matches ${describePatterns(c.from)}`);
  if (c.to) parts.push(`your number matches ${describePatterns(c.to)}`);
  if (c.body) parts.push(`the message text matches ${describePatterns(c.body)}`);
  return parts.join(' and ');
}

const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** "18:00-09:00", the way rules.yaml writes hours. */
export function describeHours(range: HourRange): string {
  return `${clock(range.start)}-${clock(range.end)}`;
}
