// Warnings for replies that cost more than one SMS: where a reply stands in the file, and how to
// say what makes it long (GSM-7 or UCS-2, and which character forced UCS-2).
import { maxReplyLength } from '../engine/evaluate.js';
import { describeSms, measureSms } from '../engine/segments.js';
import { describePath } from './describe-path.js';
import type { Problem } from './problems.js';
import type { Path, SourceDoc } from './source-map.js';
import type { RuleSet } from './types.js';

/** Where the text of message `k` of rule `ruleIndex`'s reply stands in the file. */
export function replyPath(data: unknown, ruleIndex: number, k: number): Path {
  const reply = (data as { rules?: { reply?: unknown }[] })?.rules?.[ruleIndex]?.reply;
  if (!Array.isArray(reply)) return ['rules', ruleIndex, 'reply'];
  return typeof reply[k] === 'string' ? ['rules', ruleIndex, 'reply', k] : ['rules', ruleIndex, 'reply', k, 'body'];
}

/** A warning for a reply text longer than one SMS, or null when it fits in one. */
export function smsSizeWarning(text: string, notes: string[], k: number): { message: string; hint: string } | null {
  if (notes.some((n) => n.startsWith(`reply ${k + 1} was `))) {
    return {
      message: `the reply is longer than ${maxReplyLength} characters and is cut to ${maxReplyLength}`,
      hint: `a reply can be at most ${maxReplyLength} characters; shorten it or send a link`,
    };
  }
  const size = measureSms(text);
  if (size.segments <= 1) return null;
  return {
    message: `the reply needs ${describeSms(size)}`,
    hint: size.firstNonGsm
      ? `"${size.firstNonGsm}" is not in the basic SMS alphabet (GSM-7), so the whole reply is sent as UCS-2, which holds 70 characters per SMS instead of 160; replace it if you can`
      : 'one SMS holds 160 characters; a longer reply is sent, and billed, as several',
  };
}

/** Replies without any {{ }} have a known size even without tests: warn about those too. */
export function warnLongFixedReplies(rs: RuleSet, doc: SourceDoc): Problem[] {
  const problems: Problem[] = [];
  for (const rule of rs.rules) {
    rule.replies?.forEach((r, k) => {
      if (!r.body.constant) return;
      const text = r.body.render({}); // what is sent ("\\{{" is sent as "{{")
      const notes = Array.from(text).length > maxReplyLength ? [`reply ${k + 1} was too long`] : [];
      const warning = smsSizeWarning(text, notes, k);
      if (!warning) return;
      const path = replyPath(doc.data, rule.index, k);
      problems.push({ file: rs.file, ...doc.valueAt(path), severity: 'warning', kind: 'reply-length', message: `${describePath(doc.data, path)}: ${warning.message}`, hint: warning.hint });
    });
  }
  return problems;
}
