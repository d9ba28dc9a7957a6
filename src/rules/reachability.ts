// Warnings for rules that cannot do what their author expects: a rule below one that always
// answers first (after a catch-all, the same keyword twice, the same pattern twice), and rules
// that wait for a stop word, which the built-in opt-out handles before any rule.
import { normalizeWord } from '../engine/words.js';
import { describeRule } from './describe-path.js';
import type { Problem } from './problems.js';
import type { Path, SourceDoc } from './source-map.js';
import type { CompiledCondition, CompiledRule, RuleSet, TimeWindow } from './types.js';

const patternKeys = ['body', 'from', 'to'] as const;

const sameWhen = (a: TimeWindow | undefined, b: TimeWindow | undefined): boolean => {
  if (!a) return true; // no window: the earlier rule is not limited in time
  if (!b) return false;
  const days = (w: TimeWindow) => [...(w.days ?? [])].sort().join(',');
  const hours = (w: TimeWindow) => (w.hours ? `${w.hours.start}-${w.hours.end}` : '');
  return days(a) === days(b) && hours(a) === hours(b);
};

const patternIds = (list: RegExp[] | undefined) => new Set((list ?? []).map((re) => `${re.flags}/${re.source}`));

/** What `covers` compares, worked out once per rule rather than once per pair of rules. */
interface Summary {
  rule: CompiledRule;
  keys: ReadonlySet<string>;
  patterns: Record<(typeof patternKeys)[number], ReadonlySet<string>>;
}

function summarize(rule: CompiledRule): Summary {
  const m = rule.match ?? {};
  return {
    rule,
    keys: new Set(Object.keys(m)),
    patterns: { body: patternIds(m.body), from: patternIds(m.from), to: patternIds(m.to) },
  };
}

/** True when every message `later` would answer is answered by `earlier` first. */
function covers(earlier: Summary, later: Summary): boolean {
  for (const k of earlier.keys) if (!later.keys.has(k)) return false; // cheap test first
  if (earlier.rule.unless || !sameWhen(earlier.rule.when, later.rule.when)) return false;
  const e: CompiledCondition = earlier.rule.match ?? {};
  const l: CompiledCondition = later.rule.match ?? {};
  if (e.keywords && ![...l.keywords!].every((k) => e.keywords!.has(k))) return false;
  if (e.media !== undefined && e.media !== l.media) return false;
  for (const key of patternKeys) {
    if (!e[key]) continue;
    for (const id of later.patterns[key]) if (!earlier.patterns[key].has(id)) return false;
  }
  return true;
}

/** Where `key` of a rule's match is written; `item` picks an entry when the author wrote a list. */
function matchPath(doc: SourceDoc, ruleIndex: number, key: 'keyword' | 'body', item: (written: unknown, i: number) => boolean): Path {
  const value = (doc.data as { rules?: { match?: Record<string, unknown> }[] })?.rules?.[ruleIndex]?.match?.[key];
  const at = Array.isArray(value) ? value.findIndex(item) : -1;
  return at >= 0 ? ['rules', ruleIndex, 'match', key, at] : ['rules', ruleIndex, 'match', key];
}

const keywordPath = (doc: SourceDoc, ruleIndex: number, k: string) => matchPath(doc, ruleIndex, 'keyword', (w) => typeof w === 'string' && normalizeWord(w) === k);

const isCatchAll = (r: CompiledRule) => !r.unless && !r.when && Object.keys(r.match ?? {}).length === 0;

export function warnUnreachableRules(rs: RuleSet, doc: SourceDoc): Problem[] {
  const problems: Problem[] = [];
  const warn = (rule: CompiledRule, path: Path, message: string, hint: string) =>
    problems.push({ file: rs.file, ...doc.valueAt(path), severity: 'warning', kind: 'unreachable', message: `${describeRule(rule.index, rule.name)}: ${message}`, hint });
  const summaries = rs.rules.map(summarize);
  rs.rules.forEach((later, i) => {
    const blocker = summaries.slice(0, i).find((earlier) => covers(earlier, summaries[i]))?.rule;
    if (blocker) {
      const who = describeRule(blocker.index, blocker.name);
      warn(
        later,
        ['rules', later.index],
        isCatchAll(blocker)
          ? `this rule can never answer: ${who} above it answers every message`
          : `this rule can never answer: ${who} above it answers every message this rule would`,
        `rules are tried from the top and the first that fits answers; move this rule above ${who}, or remove it`,
      );
      return;
    }
    // Some of this rule's keywords are already taken by a plain keyword rule above it.
    const keywords = later.match?.keywords;
    if (!keywords) return;
    for (const earlier of rs.rules.slice(0, i)) {
      const onlyKeywords = earlier.match?.keywords && Object.keys(earlier.match).length === 1 && !earlier.when && !earlier.unless;
      if (!onlyKeywords) continue;
      for (const k of keywords) {
        if (!earlier.match!.keywords!.has(k)) continue;
        warn(
          later,
          keywordPath(doc, later.index, k),
          `messages starting with the keyword "${k}" never reach this rule: ${describeRule(earlier.index, earlier.name)} above it has the same keyword and answers first`,
          'remove the keyword from one of the two rules',
        );
      }
    }
  });
  return problems;
}

export function warnStopWordRules(rs: RuleSet, doc: SourceDoc): Problem[] {
  const { optOut } = rs.settings;
  if (!optOut.enabled) return [];
  const problems: Problem[] = [];
  const hint = `autoreply itself handles messages that are only a stop word (${[...optOut.stopWords].join(', ')}): the sender is opted out and no rule is tried; to send them an answer, write it as stop_reply under opt_out in the settings`;
  for (const rule of rs.rules) {
    const keywords = [...(rule.match?.keywords ?? [])].filter((k) => optOut.stopWords.has(k));
    for (const k of keywords) {
      problems.push({
        file: rs.file,
        ...doc.valueAt(keywordPath(doc, rule.index, k)),
        severity: 'warning',
        kind: 'stop-word',
        message: `${describeRule(rule.index, rule.name)}: "${k}" is a stop word; a message that is only "${k}" opts the sender out before any rule is tried, so this rule only sees longer messages that start with it`,
        hint,
      });
    }
    (rule.match?.body ?? []).forEach((re, j) => {
      const word = [...optOut.stopWords].find((w) => re.test(w) || re.test(w.toLowerCase()));
      if (!word) return;
      problems.push({
        file: rs.file,
        ...doc.valueAt(matchPath(doc, rule.index, 'body', (_, i) => i === j)),
        severity: 'warning',
        kind: 'stop-word',
        message: `${describeRule(rule.index, rule.name)}: the pattern "${re.source}" matches the stop word "${word}", but a message that is only "${word}" opts the sender out before any rule is tried`,
        hint,
      });
    });
  }
  return problems;
}
