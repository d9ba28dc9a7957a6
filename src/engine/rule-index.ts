// Which rules are worth testing against a message, without testing every rule's patterns.
//
// compile.ts already files keyword rules under their keywords (byKeyword) and leaves the rest
// (unkeyed) for every message. A large file is mostly such rules with patterns: 500 of the
// benchmark's 1000 rules, each a regex test per message. Here every unkeyed rule whose body
// patterns all need some literal text (pattern-literals.ts) is filed under one three-character
// piece of each such literal. A message then costs one map lookup per three characters of its
// text, and only rules whose literal really is in the text are tried.
//
// The answer never changes: candidates keep file order, a rule is left out only when its body
// cannot match, and evaluate() still runs every check of every candidate. Tests compare the
// result with trying every rule in order (test/engine/rule-index.test.ts).
import type { RuleSet } from '../rules/types.js';
import { foldForLiterals, literalNeed, minLiteralLength } from './pattern-literals.js';

interface Gated {
  pos: number;
  literal: string;
}

interface RuleIndex {
  /** Unkeyed rules tried for every message (no literal known), ascending. */
  always: number[];
  /** Three-character piece (see gramKey) → rules needing a literal that contains it. */
  folded: Map<number, Gated[]>;
  exact: Map<number, Gated[]>;
  gatedCount: number;
}

const indexes = new WeakMap<RuleSet, RuleIndex>();

/** Packs three UTF-16 units into one number: a Map with number keys needs no substrings. */
const gramKey = (s: string, i: number) => s.charCodeAt(i) + s.charCodeAt(i + 1) * 0x10000 + s.charCodeAt(i + 2) * 0x100000000;

/** Builds the index of `rs` now (at load time) rather than on its first message. */
export function indexRules(rs: RuleSet): RuleSet {
  if (!indexes.has(rs)) indexes.set(rs, buildIndex(rs));
  return rs;
}

function buildIndex(rs: RuleSet): RuleIndex {
  const always: number[] = [];
  const needs: { pos: number; literals: string[]; folded: boolean }[] = [];
  for (const pos of rs.unkeyed) {
    const body = rs.rules[pos].match?.body;
    const perPattern = body?.map(literalNeed);
    // A rule is gated only if each of its body patterns (any may match) needs a literal, and all
    // of them fold the same way, so that one lookup covers the rule.
    if (!perPattern || perPattern.some((n) => n === null) || new Set(perPattern.map((n) => n!.folded)).size !== 1) {
      always.push(pos);
      continue;
    }
    needs.push({ pos, literals: perPattern.flatMap((n) => n!.literals), folded: perPattern[0]!.folded });
  }
  // File each literal under its rarest piece, so common pieces ("the") do not bring many rules.
  const seen = new Map<number, number>();
  for (const { literals } of needs) for (const l of literals) for (let i = 0; i + minLiteralLength <= l.length; i++) seen.set(gramKey(l, i), (seen.get(gramKey(l, i)) ?? 0) + 1);
  const folded = new Map<number, Gated[]>();
  const exact = new Map<number, Gated[]>();
  for (const { pos, literals, folded: isFolded } of needs) {
    for (const literal of literals) {
      let best = 0;
      for (let i = 1; i + minLiteralLength <= literal.length; i++) if (seen.get(gramKey(literal, i))! < seen.get(gramKey(literal, best))!) best = i;
      const map = isFolded ? folded : exact;
      const key = gramKey(literal, best);
      const list = map.get(key);
      if (list) list.push({ pos, literal });
      else map.set(key, [{ pos, literal }]);
    }
  }
  return { always, folded, exact, gatedCount: needs.length };
}

/** Gated rules whose literal is in `text`, added to `found`. */
function collect(map: Map<number, Gated[]>, text: string, found: Set<number>): void {
  for (let i = 0; i + minLiteralLength <= text.length; i++) {
    const list = map.get(gramKey(text, i));
    if (list) for (const g of list) if (!found.has(g.pos) && text.includes(g.literal)) found.add(g.pos);
  }
}

/** Merges ascending position lists into one ascending list (linear, as candidates() did before). */
function mergeAscending(lists: number[][]): number[] {
  let out: number[] = [];
  for (const list of lists) {
    if (list.length === 0) continue;
    if (out.length === 0) {
      out = list;
      continue;
    }
    const merged: number[] = [];
    let i = 0;
    let j = 0;
    while (i < out.length || j < list.length) {
      if (j >= list.length || (i < out.length && out[i] < list[j])) merged.push(out[i++]);
      else merged.push(list[j++]);
    }
    out = merged;
  }
  return out;
}

/**
 * The rules to try for a message with this body and (normalised) first word, in file order:
 * the keyword's rules, the rules without a known literal, and the rules whose literal is here.
 */
export function candidateRules(rs: RuleSet, body: string, firstWord: string): number[] {
  let index = indexes.get(rs);
  if (!index) indexes.set(rs, (index = buildIndex(rs)));
  const keyed = rs.byKeyword.get(firstWord) ?? [];
  if (index.gatedCount === 0) return mergeAscending([index.always, keyed]);
  const found = new Set<number>();
  if (index.folded.size) collect(index.folded, foldForLiterals(body), found);
  if (index.exact.size) collect(index.exact, body, found);
  return mergeAscending([index.always, keyed, [...found].sort((a, b) => a - b)]);
}
