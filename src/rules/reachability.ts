// Warnings for rules that cannot do what their author expects: a rule below one that always
// answers first (after a catch-all, the same keyword twice, the same pattern twice), and rules
// that wait for a stop word, which the built-in opt-out handles before any rule.
import { candidateRules } from '../engine/rule-index.js';
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
export interface Summary {
  rule: CompiledRule;
  keys: ReadonlySet<string>;
  patterns: Record<(typeof patternKeys)[number], ReadonlySet<string>>;
}

export function summarize(rule: CompiledRule): Summary {
  const m = rule.match ?? {};
  return {
    rule,
    keys: new Set(Object.keys(m)),
    patterns: { body: patternIds(m.body), from: patternIds(m.from), to: patternIds(m.to) },
  };
}

/** True when every message `later` would answer is answered by `earlier` first. */
export function covers(earlier: Summary, later: Summary): boolean {
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

/**
 * The places a rule is filed under, so that a later rule meets only the earlier rules that could
 * cover it instead of every rule above it (a 10,000-rule file took 7-9 s comparing every pair).
 * An earlier rule can only cover a later one whose keywords (or patterns of the first kind it
 * has) are all among its own, so it is filed under each of them and found through any one of
 * the later rule's; a rule with none of those is filed under "any" and compared with every rule.
 */
function filingKeys(s: Summary): string[] {
  const m = s.rule.match ?? {};
  if (m.keywords) return [...m.keywords].map((k) => `keyword ${k}`);
  for (const key of patternKeys) if (m[key]) return [...s.patterns[key]].map((id) => `${key} ${id}`);
  return ['any'];
}

/** Where a later rule looks: one entry of each kind it has, and "any". */
function lookupKeys(s: Summary): string[] {
  const m = s.rule.match ?? {};
  const keys = ['any'];
  const firstKeyword = m.keywords?.values().next().value;
  if (firstKeyword !== undefined) keys.push(`keyword ${firstKeyword}`);
  for (const key of patternKeys) {
    const first = s.patterns[key].values().next().value;
    if (first !== undefined) keys.push(`${key} ${first}`);
  }
  return keys;
}

/** The first rule above `later` (in file order) that answers every message it would, if any. */
function findBlocker(filed: Map<string, Summary[]>, later: Summary): CompiledRule | undefined {
  let first: Summary | undefined;
  for (const key of lookupKeys(later)) {
    for (const earlier of filed.get(key) ?? []) {
      if (first && earlier.rule.index >= first.rule.index) break; // filed in file order
      if (covers(earlier, later)) first = earlier;
    }
  }
  return first?.rule;
}

export function warnUnreachableRules(rs: RuleSet, doc: SourceDoc): Problem[] {
  const problems: Problem[] = [];
  const warn = (rule: CompiledRule, path: Path, message: string, hint: string) =>
    problems.push({ file: rs.file, ...doc.valueAt(path), severity: 'warning', kind: 'unreachable', message: `${describeRule(rule.index, rule.name)}: ${message}`, hint });
  const filed = new Map<string, Summary[]>();
  /** Each keyword's first plain keyword rule (only keywords: no other condition, no time limits). */
  const keywordOwner = new Map<string, CompiledRule>();
  for (const later of rs.rules) {
    const summary = summarize(later);
    const blocker = findBlocker(filed, summary);
    for (const key of filingKeys(summary)) {
      const list = filed.get(key);
      if (list) list.push(summary);
      else filed.set(key, [summary]);
    }
    const keywords = later.match?.keywords;
    const onlyKeywords = keywords && Object.keys(later.match!).length === 1 && !later.when && !later.unless;
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
    } else if (keywords) {
      // Some of this rule's keywords are already taken by a plain keyword rule above it.
      for (const k of keywords) {
        const earlier = keywordOwner.get(k);
        if (!earlier) continue;
        warn(
          later,
          keywordPath(doc, later.index, k),
          `messages starting with the keyword "${k}" never reach this rule: ${describeRule(earlier.index, earlier.name)} above it has the same keyword and answers first`,
          'remove the keyword from one of the two rules',
        );
      }
    }
    if (onlyKeywords) for (const k of keywords) if (!keywordOwner.has(k)) keywordOwner.set(k, later);
  }
  return problems;
}

export function warnStopWordRules(rs: RuleSet, doc: SourceDoc): Problem[] {
  const { optOut } = rs.settings;
  if (!optOut.enabled) return [];
  const problems: Problem[] = [];
  const hint = `autoreply itself handles messages that are only a stop word (${[...optOut.stopWords].join(', ')}): the sender is opted out and no rule is tried; to send them an answer, write it as stop_reply under opt_out in the settings`;
  // Rules without keywords whose patterns need text that no stop word has are not tried: running
  // each pattern once here made V8 compile every one of them while loading (rule-index.ts).
  const maybe = new Set<number>();
  for (const w of optOut.stopWords) for (const text of [w, w.toLowerCase()]) for (const pos of candidateRules(rs, text, '')) maybe.add(pos);
  const unkeyed = new Set(rs.unkeyed);
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
    if (unkeyed.has(rule.index) && !maybe.has(rule.index)) continue;
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
