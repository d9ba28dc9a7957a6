// The message `autoreply try` sends through the engine: the same posted fields a provider's
// webhook carries (Twilio's names), so templates and rules see exactly what they would see live.
import { randomBytes } from 'node:crypto';
import { parseLocalDateTime } from '../engine/time.js';
import { CliError } from './audit-args.js';

/** Twilio accepts at most 10 pictures on one message. */
export const maxMedia = 10;

export { buildSampleFields as buildTryFields, type SampleInput as TryInput } from '../engine/sample-fields.js';

/** "SMtry" + the time in ms + random hex: unique, and plainly a try when it shows up in `autoreply log`. */
export function createTrySid(now: Date): string {
  return `SMtry${now.getTime()}${randomBytes(4).toString('hex')}`;
}

export function parseMediaCount(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) > maxMedia) {
    throw new CliError(`--media is how many pictures the message has: a whole number from 0 to ${maxMedia}, not "${text}".`);
  }
  return Number(text);
}

/** Checks the form of --at before the rules are read (the time zone comes from the rules). */
export function checkAtText(text: string): void {
  if (parseLocalDateTime(text, 'UTC') === undefined) throw badAt(text);
}

/** --at as a moment: a local time in `zone`, or a time with Z or an offset taken as it is. */
export function parseAt(text: string, zone: string): Date {
  const at = parseLocalDateTime(text, zone);
  if (!at) throw badAt(text);
  return at;
}

function badAt(text: string): CliError {
  return new CliError(
    `--at "${text}" is not a date and time. Write it like 2026-12-24T19:00 (the time in the rules' time zone) or 2026-12-24T18:00:00Z.`,
  );
}

export function checkNumber(text: string, flag: string): string {
  if (text.trim() === '') throw new CliError(`${flag} needs a phone number, like +491234567890.`);
  return text;
}
