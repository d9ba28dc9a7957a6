// A quick look at a pattern's structure, without running it. It answers two questions:
// - can the pattern be exponential? Only a repeated group (`(a+)+`, `(\w+\s?)*`), a back
//   reference or a lookaround can; pattern-safety.ts asks recheck about those.
// - how fast can its work grow with the text's length otherwise? Each run of unlimited repeats
//   that can take the same characters (`\d+\d+`, `.*x.*`) multiplies the work by the length,
//   and an unanchored search adds one more factor. The estimate errs on the high side, so a
//   pattern gets the time limit of engine/guarded-pattern.ts too soon rather than too late.

/** Coarse character sets: s space, d digit, l letter or _, `p:x` one other character, P any other. */
type CharSet = ReadonlySet<string>;
const ALL: CharSet = new Set(['s', 'd', 'l', 'P']);

interface Atom {
  set: CharSet;
  /** Must occur at least once. */
  required: boolean;
  unbounded: boolean;
}

export interface PatternShape {
  /** A group is repeated without a small limit: the shape that can be exponential. */
  repeatedGroup: boolean;
  /** Back references or lookarounds: shapes this quick look does not judge. */
  special: boolean;
  /** Estimated polynomial degree: 1 linear, 2 quadratic, ... */
  degree: number;
}

function overlaps(a: CharSet, b: CharSet): boolean {
  for (const x of a) {
    if (b.has(x)) return true;
    if (x === 'P' && [...b].some((y) => y.startsWith('p:'))) return true;
    if (x.startsWith('p:') && b.has('P')) return true;
  }
  return false;
}

const SPACE: CharSet = new Set(['s']);
const DIGIT: CharSet = new Set(['d']);
const LETTER: CharSet = new Set(['l']);
/** One set per character seen (sets are never changed): a file's patterns share a few hundred. */
const charSets = new Map<string, CharSet>();

function charSet(c: string): CharSet {
  let set = charSets.get(c);
  if (!set) {
    set = /\s/u.test(c) ? SPACE : /\d/u.test(c) ? DIGIT : /[\p{L}_]/u.test(c) ? LETTER : new Set([`p:${c}`]);
    charSets.set(c, set);
  }
  return set;
}

const escapes: Record<string, CharSet> = {
  s: SPACE,
  S: new Set(['d', 'l', 'P']),
  d: DIGIT,
  D: new Set(['s', 'l', 'P']),
  w: new Set(['d', 'l']),
  W: new Set(['s', 'P']),
};

class Reader {
  i = 0;
  shape = { repeatedGroup: false, special: false };
  constructor(readonly src: string) {}

  /** A sequence of alternatives up to `)` or the end; returns its atoms in order. */
  sequence(): Atom[] {
    const branches: Atom[][] = [[]];
    while (this.i < this.src.length && this.src[this.i] !== ')') {
      if (this.src[this.i] === '|') {
        this.i++;
        branches.push([]);
        continue;
      }
      const { atoms, group } = this.atom();
      const q = this.quantifier();
      const branch = branches[branches.length - 1];
      if (!q) branch.push(...atoms);
      else if (!group) branch.push(...atoms.map((a) => ({ set: a.set, required: q.min > 0 && a.required, unbounded: q.unbounded || a.unbounded })));
      else if (atoms.length > 0) {
        // A repeated group counts as one atom that can take any of its characters.
        if (q.unbounded || q.max > 10) this.shape.repeatedGroup = true;
        const set = new Set(atoms.flatMap((a) => [...a.set]));
        branch.push({ set, required: q.min > 0 && atoms.some((a) => a.required), unbounded: q.unbounded || atoms.some((a) => a.unbounded) });
      }
    }
    // With alternatives, no atom is required: any branch may be the one taken.
    return branches.length === 1 ? branches[0] : branches.flat().map((a) => ({ ...a, required: false }));
  }

  atom(): { atoms: Atom[]; group: boolean } {
    const c = this.src[this.i];
    if (c === '(') {
      this.i++;
      const look = /^\?(?:=|!|<=|<!)/.exec(this.src.slice(this.i));
      if (look) this.shape.special = true;
      const opening = /^\?(?::|<[^>=!]+>|=|!|<=|<!)/.exec(this.src.slice(this.i));
      if (opening) this.i += opening[0].length;
      const inner = this.sequence();
      this.i++; // ')'
      return { atoms: look ? [] : inner, group: true };
    }
    const one = (atoms: Atom[]) => ({ atoms, group: false });
    if (c === '[') return one([{ set: this.charClass(), required: true, unbounded: false }]);
    if (c === '\\') return one(this.escape());
    this.i++;
    if (c === '.') return one([{ set: ALL, required: true, unbounded: false }]);
    if (c === '^' || c === '$') return one([]);
    return one([{ set: charSet(c), required: true, unbounded: false }]);
  }

  escape(): Atom[] {
    const next = this.src[this.i + 1] ?? '';
    this.i += 2;
    if (/[1-9k]/.test(next)) {
      this.shape.special = true;
      if (next === 'k') this.skipBraced('<', '>');
      return [{ set: ALL, required: false, unbounded: false }];
    }
    if (next === 'b' || next === 'B') return [];
    if (escapes[next]) return [{ set: escapes[next], required: true, unbounded: false }];
    if (next === 'p' || next === 'P') {
      const name = this.skipBraced('{', '}');
      const set = next === 'p' && /^(L|Letter)$/.test(name) ? new Set(['l']) : next === 'p' && /^(N|Nd|Number)$/.test(name) ? new Set(['d']) : ALL;
      return [{ set, required: true, unbounded: false }];
    }
    if (next === 'u' || next === 'x') {
      if (this.src[this.i] === '{') this.skipBraced('{', '}');
      else this.i += next === 'u' ? 4 : 2;
      return [{ set: ALL, required: true, unbounded: false }];
    }
    if (/[nrtfv]/.test(next)) return [{ set: SPACE, required: true, unbounded: false }];
    return [{ set: charSet(next), required: true, unbounded: false }];
  }

  skipBraced(open: string, close: string): string {
    if (this.src[this.i] !== open) return '';
    const end = this.src.indexOf(close, this.i);
    const text = this.src.slice(this.i + 1, end === -1 ? undefined : end);
    this.i = end === -1 ? this.src.length : end + 1;
    return text;
  }

  charClass(): CharSet {
    this.i++; // '['
    const negated = this.src[this.i] === '^';
    if (negated) this.i++;
    const set = new Set<string>();
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      first = false;
      const c = this.src[this.i];
      if (c === '\\') {
        const next = this.src[this.i + 1] ?? '';
        this.i += 2;
        if (next === 'p' || next === 'P' || next === 'u' || next === 'x') {
          if (this.src[this.i] === '{') this.skipBraced('{', '}');
          for (const x of ALL) set.add(x);
        } else for (const x of escapes[next] ?? charSet(next)) set.add(x);
      } else if (this.src[this.i + 1] === '-' && this.src[this.i + 2] && this.src[this.i + 2] !== ']') {
        const to = this.src[this.i + 2];
        const range = /[0-9]/.test(c) && /[0-9]/.test(to) ? ['d'] : /[a-zA-Z]/.test(c) && /[a-zA-Z]/.test(to) ? ['l'] : [...ALL];
        for (const x of range) set.add(x);
        this.i += 3;
      } else {
        for (const x of charSet(c)) set.add(x);
        this.i++;
      }
    }
    this.i++; // ']'
    return negated ? ALL : set;
  }

  quantifier(): { min: number; max: number; unbounded: boolean } | null {
    const m = /^(?:([*+?])|\{(\d+)(,(\d*))?\})\??/.exec(this.src.slice(this.i, this.i + 24));
    if (!m) return null;
    this.i += m[0].length;
    if (m[1]) return { min: m[1] === '+' ? 1 : 0, max: m[1] === '?' ? 1 : Infinity, unbounded: m[1] !== '?' };
    const min = Number(m[2]);
    const max = m[3] === undefined ? min : m[4] === '' ? Infinity : Number(m[4]);
    return { min, max, unbounded: max === Infinity };
  }
}

/** Reads the pattern once. Assumes `new RegExp(source)` already accepted it. */
export function readPatternShape(source: string): PatternShape {
  const reader = new Reader(source);
  let atoms: Atom[] = [];
  while (reader.i < source.length) {
    atoms = atoms.concat(reader.sequence());
    if (reader.i < source.length) reader.i++; // a stray ')' cannot happen in a valid pattern
  }
  // The longest chain of unlimited repeats that can take the same characters, where nothing
  // required between two of them is a character neither can take.
  const chain: number[] = [];
  let longest = 0;
  atoms.forEach((a, i) => {
    if (!a.unbounded) return;
    let best = 1;
    for (let j = 0; j < i; j++) {
      const b = atoms[j];
      if (!b.unbounded || chain[j] === undefined || !overlaps(a.set, b.set)) continue;
      const blocked = atoms.slice(j + 1, i).some((m) => m.required && !m.unbounded && (!overlaps(m.set, a.set) || !overlaps(m.set, b.set)));
      if (!blocked) best = Math.max(best, chain[j] + 1);
    }
    chain[i] = best;
    longest = Math.max(longest, best);
  });
  const anchored = source.startsWith('^');
  return { ...reader.shape, degree: Math.max(1, longest + (anchored || longest === 0 ? 0 : 1)) };
}
