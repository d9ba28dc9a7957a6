// Judges how slow a pattern can get on a long message, before it is used. A pattern such as
// `(a+)+$` can take longer than the age of the universe on a 30-character text that almost fits
// (exponential backtracking, "ReDoS"): those are refused. Patterns that are merely polynomial
// (`\d+\d+$`) are used, but with a time limit on long texts (engine/guarded-pattern.ts).
//
// The judge is recheck (https://makenowjust-labs.github.io/recheck/), which finds an attack
// string for a pattern or proves it safe. It can take a tenth of a second per pattern, so only
// patterns whose shape (pattern-shape.ts) could be exponential or worse than quadratic are
// asked, and every verdict is remembered for the life of the process (a reload re-checks only
// the patterns that changed).
import { createRequire } from 'node:module';
import { readPatternShape } from './pattern-shape.js';

export interface PatternJudgement {
  /** true: the pattern can take exponential time and must not be used. */
  exponential: boolean;
  /** How the time grows with the text's length: 1 linear, 2 quadratic, ...; Infinity unknown. */
  degree: number;
  /** The part of the pattern that backtracks, when recheck names it. */
  hotspot?: string;
  /** recheck gave this verdict (not the quick look, nor a guess after recheck ran out of time). */
  confirmed?: boolean;
}

/** How long recheck may think about one pattern before we fall back to the quick look. */
const recheckTimeoutMs = 1000;

const remembered = new Map<string, PatternJudgement>();

// recheck is about 3 MB of JavaScript and adds some 30 MB to the process: load it only when a
// pattern needs it, so a server whose patterns the quick look clears never carries it.
let recheck: typeof import('recheck') | undefined;
const loadRecheck = () => (recheck ??= createRequire(import.meta.url)('recheck') as typeof import('recheck'));

export function judgePattern(source: string, flags: string): PatternJudgement {
  const key = `${flags}/${source}`;
  let found = remembered.get(key);
  if (!found) {
    found = judgeOnce(source, flags);
    if (remembered.size > 50_000) remembered.clear();
    remembered.set(key, found);
  }
  return found;
}

function judgeOnce(source: string, flags: string): PatternJudgement {
  const shape = readPatternShape(source);
  // Quick look: at worst quadratic, and nothing that could be exponential. No need to ask.
  if (!shape.repeatedGroup && !shape.special && shape.degree <= 2) return { exponential: false, degree: shape.degree };
  const guess: PatternJudgement = { exponential: false, degree: shape.repeatedGroup || shape.special ? Infinity : shape.degree };
  let result;
  try {
    result = loadRecheck().checkSync(source, flags, { timeout: recheckTimeoutMs });
  } catch {
    return guess;
  }
  if (result.status === 'safe') return { exponential: false, degree: 1, confirmed: true };
  if (result.status !== 'vulnerable') return guess;
  const hotspot = [...new Set(result.hotspot.map((h) => source.slice(h.start, h.end)).filter((s) => s !== ''))].join('", "');
  if (result.complexity.type === 'exponential') return { exponential: true, degree: Infinity, hotspot, confirmed: true };
  return { exponential: false, degree: result.complexity.degree, hotspot, confirmed: true };
}

/**
 * The longest text a pattern may search without a time limit: about 2·10⁷ backtracking steps
 * (some tens of milliseconds) at its degree. Linear patterns never need the limit.
 */
export function unguardedLength(degree: number): number {
  if (degree <= 1) return Infinity;
  if (!Number.isFinite(degree)) return 0;
  return Math.floor(Math.pow(2e7, 1 / degree));
}
