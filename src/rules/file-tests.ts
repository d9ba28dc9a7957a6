// Runs the rules file's own `tests:` through the server's engine, exactly as a live message would
// go, and reports each failed test with `expected:` and `got:` lines (like promtool). While the
// replies are at hand it also warns about replies longer than one SMS.
import { evaluateOrError, type Decision } from '../engine/evaluate.js';
import { noHistory } from '../engine/no-history.js';
import { buildSampleFields } from '../engine/sample-fields.js';
import { toInbound } from '../http/webhook.js';
import { describePath, describeTest } from './describe-path.js';
import type { Problem } from './problems.js';
import { closest } from './suggest.js';
import { replyPath, smsSizeWarning } from './reply-size.js';
import type { SourceDoc } from './source-map.js';
import type { RuleSet, RuleTest } from './types.js';

export interface FileTestsResult {
  problems: Problem[];
  passed: number;
  failed: number;
}

export function runFileTests(rs: RuleSet, doc: SourceDoc): FileTestsResult {
  const problems: Problem[] = [];
  const warnedReplies = new Set<string>();
  let failed = 0;
  for (const test of rs.tests) {
    const label = describeTest(test.index, test.name);
    const unknownRule = test.expect.rule !== undefined && !rs.rules.some((r) => r.name === test.expect.rule);
    if (unknownRule) {
      const guess = closest(test.expect.rule!, rs.rules.map((r) => r.name));
      problems.push({
        file: rs.file,
        ...doc.valueAt(['tests', test.index, 'expect', 'rule']),
        severity: 'error',
        kind: 'test',
        message: `${label}: there is no rule named "${test.expect.rule}"${guess ? `; did you mean "${guess}"?` : ''}`,
      });
      failed++;
      continue;
    }
    const decision = decideTest(rs, test);
    const failures = judge(test, decision);
    if (failures.length) {
      failed++;
      const first = failures[0];
      problems.push({
        file: rs.file,
        ...doc.valueAt(['tests', test.index, 'expect', first.key]),
        severity: 'error',
        kind: 'test',
        message: `${label}: ${first.what}`,
        details: failures.flatMap((f) => [`expected: ${f.expected}`, `got:      ${f.got}`]),
      });
    }
    const rule = rs.rules.find((r) => r.name === decision.rule);
    if (!rule) continue;
    decision.messages.forEach((m, k) => {
      const key = `${rule.index}/${k}`;
      const path = replyPath(doc.data, rule.index, k);
      const warning = warnedReplies.has(key) ? null : smsSizeWarning(m.body, decision.notes, k);
      if (!warning) return;
      warnedReplies.add(key);
      problems.push({
        file: rs.file,
        ...doc.valueAt(path),
        severity: 'warning',
        kind: 'reply-length',
        message: `${describePath(doc.data, path)}: ${warning.message} in ${label}`,
        hint: warning.hint,
      });
    });
  }
  return { problems, passed: rs.tests.length - failed, failed };
}

function decideTest(rs: RuleSet, test: RuleTest): Decision {
  const m = test.message;
  const sid = `SMfiletest${String(test.index + 1).padStart(4, '0')}`;
  const { msg } = toInbound(buildSampleFields({ sid, from: m.from, to: m.to, body: m.body, media: m.media }), m.at);
  return evaluateOrError(rs, msg, noHistory).decision;
}

interface Failure {
  key: string;
  what: string;
  expected: string;
  got: string;
}

const quote = (s: string) => JSON.stringify(s);

function describeOutcome(d: Decision): string {
  if (d.outcome === 'error') return `an error: ${d.error}`;
  const rule = d.rule ? `rule "${d.rule}"` : 'no rule';
  switch (d.outcome) {
    case 'no_match':
      return 'no rule answers';
    case 'opted_out':
      return 'the message is a stop word (opt-out), handled before any rule';
    case 'opted_in':
      return 'the message is a start word (opt-in), handled before any rule';
    case 'silent':
      return `${rule}, which sends nothing (reply: null)`;
    default:
      return rule;
  }
}

/** Every expectation of the test that the decision does not meet. */
function judge(test: RuleTest, d: Decision): Failure[] {
  const out: Failure[] = [];
  const e = test.expect;
  const toSender = d.messages.filter((m) => m.to === null || m.to === test.message.from);
  const firstReply = toSender[0]?.body;
  const gotReply = firstReply === undefined ? `no reply (${describeOutcome(d)})` : quote(firstReply);
  if (e.rule !== undefined && d.rule !== e.rule) {
    out.push({ key: 'rule', what: 'a different rule answers', expected: `rule "${e.rule}"`, got: describeOutcome(d) });
  }
  if (e.reply !== undefined && firstReply !== e.reply) {
    out.push({ key: 'reply', what: 'the reply is not what was expected', expected: quote(e.reply), got: gotReply });
  }
  if (e.reply_contains !== undefined && !(firstReply ?? '').includes(e.reply_contains)) {
    out.push({ key: 'reply_contains', what: 'the reply does not contain the expected text', expected: `a reply containing ${quote(e.reply_contains)}`, got: gotReply });
  }
  if (e.no_reply === true && firstReply !== undefined) {
    out.push({ key: 'no_reply', what: 'a reply is sent, but none was expected', expected: 'no reply', got: `${gotReply} (${describeOutcome(d)})` });
  }
  if (e.no_reply === false && firstReply === undefined) {
    out.push({ key: 'no_reply', what: 'no reply is sent, but one was expected', expected: 'a reply', got: gotReply });
  }
  return out;
}
