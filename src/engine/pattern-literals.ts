// Which text a pattern cannot match without: `^\s*status\s+#?(?<order>\d+)` needs "status",
// `\b(refund|money back)\b` needs "refund" or "money back". rule-index.ts uses this to skip rules
// whose words are not in the message, so it must never claim too much: whatever the parser does
// not understand makes it answer "nothing known" (null), and the rule is then always tried.
//
// Literals are kept to printable ASCII. Under the `iu` flags a pattern letter also matches other
// characters (`s` matches "ſ", `k` matches the Kelvin sign "K"; https://tc39.es/ecma262/#sec-runtime-semantics-canonicalize-ch
// uses Unicode simple case folding), so message text is compared through foldForLiterals, which
// maps every character that folds to an ASCII letter onto that letter. A test checks this for
// every code point.

/** Any one of these must appear in the (folded, when `folded`) message text. */
export interface LiteralNeed {
  literals: string[];
  folded: boolean;
}

/** The shortest literal worth indexing: shorter ones would match almost every message. */
export const minLiteralLength = 3;

const nonAsciiFoldingToAscii = /[\u017f\u212a]/g; // ſ → s, K (Kelvin) → k: the only two

/** Message text as case-insensitive literals are compared against it. */
export function foldForLiterals(text: string): string {
  const lower = text.toLowerCase();
  return nonAsciiFoldingToAscii.test(lower) ? lower.replace(nonAsciiFoldingToAscii, (c) => (c === '\u017f' ? 's' : 'k')) : lower;
}

/** What `re` needs to find in a message, or null when that is not known. */
export function literalNeed(re: RegExp): LiteralNeed | null {
  // Only `u` syntax is parsed (strict, no Annex B forms); `v` has nested classes.
  if (!re.unicode || /[^giu]/.test(re.flags.replace(/[dmsy]/g, ''))) return null;
  const folded = re.ignoreCase;
  let need: string[] | null;
  try {
    need = new _Parser(re.source).alternatives(false);
  } catch {
    return null;
  }
  if (!need) return null;
  const literals = [...new Set(need.map((l) => (folded ? l.toLowerCase() : l)))];
  return { literals, folded };
}

class _Unknown extends Error {}

/** A small recursive reader of `u`-mode pattern syntax, collecting required literal runs. */
class _Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  /** Alternatives up to the end or a `)`: every one must need something, or nothing is known. */
  alternatives(inGroup: boolean): string[] | null {
    const union: string[] = [];
    let known = true;
    for (;;) {
      const need = this.sequence();
      if (need) union.push(...need);
      else known = false;
      if (this.src[this.i] === '|') {
        this.i++;
        continue;
      }
      if (this.i >= this.src.length) {
        if (inGroup) throw new _Unknown('unclosed group');
        break;
      }
      if (this.src[this.i] === ')') {
        if (!inGroup) throw new _Unknown('stray )');
        break;
      }
    }
    return known ? union : null;
  }

  /** One alternative: its best need (the one whose shortest literal is longest). */
  private sequence(): string[] | null {
    const options: string[][] = [];
    let run = '';
    const endRun = () => {
      if (run.length >= minLiteralLength) options.push([run]);
      run = '';
    };
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      const q = this.quantifier();
      if (atom.kind === 'char') {
        if (q === 'optional') endRun();
        else {
          run += atom.char;
          if (q === 'repeated') endRun(); // the next character may not follow it directly
        }
      } else {
        endRun();
        if (atom.kind === 'group' && atom.need && q !== 'optional') options.push(atom.need);
      }
    }
    endRun();
    if (options.length === 0) return null;
    const strength = (o: string[]) => Math.min(...o.map((l) => l.length));
    return options.reduce((best, o) => (strength(o) > strength(best) || (strength(o) === strength(best) && o.length < best.length) ? o : best));
  }

  /** `?`, `*`, `{0,n}`: may be absent; `+`, `{n,}` with n >= 1: present, perhaps repeated. */
  private quantifier(): 'once' | 'optional' | 'repeated' {
    const c = this.src[this.i];
    let kind: 'once' | 'optional' | 'repeated' = 'once';
    if (c === '?' || c === '*') {
      kind = 'optional';
      this.i++;
    } else if (c === '+') {
      kind = 'repeated';
      this.i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) throw new _Unknown('brace'); // a lone { is a syntax error under `u`
      this.i += m[0].length;
      const min = Number(m[1]);
      kind = min === 0 ? 'optional' : m[2] === undefined && min === 1 ? 'once' : 'repeated';
    } else return kind;
    if (this.src[this.i] === '?') this.i++; // lazy
    return kind;
  }

  private atom(): { kind: 'char'; char: string } | { kind: 'group'; need: string[] | null } | { kind: 'other' } {
    const c = this.src[this.i];
    if (c === '\\') return this.escape();
    if (c === '[') {
      this.skipClass();
      return { kind: 'other' };
    }
    if (c === '(') return this.group();
    this.i++;
    if (c === '.' || c === '^' || c === '$') return { kind: 'other' };
    if (c === '*' || c === '+' || c === '?' || c === '{' || c === '}' || c === ']') throw new _Unknown('syntax');
    const code = c.charCodeAt(0);
    // Printable ASCII only; anything else ends the run (and a surrogate half never starts one).
    return code >= 0x20 && code < 0x7f ? { kind: 'char', char: c } : { kind: 'other' };
  }

  private escape(): { kind: 'char'; char: string } | { kind: 'other' } {
    const c = this.src[this.i + 1];
    if (c === undefined) throw new _Unknown('trailing backslash');
    this.i += 2;
    // Identity escapes of syntax characters are those characters (`u` allows no others).
    if ('^$\\.*+?()[]{}|/-'.includes(c)) return { kind: 'char', char: c };
    if (c === 'k') {
      const m = /^<[^>]*>/.exec(this.src.slice(this.i));
      if (!m) throw new _Unknown('\\k');
      this.i += m[0].length;
      return { kind: 'other' };
    }
    if (c === 'p' || c === 'P') {
      const m = /^\{[^}]*\}/.exec(this.src.slice(this.i));
      if (!m) throw new _Unknown('\\p');
      this.i += m[0].length;
      return { kind: 'other' };
    }
    if (c === 'u' || c === 'x' || c === 'c') throw new _Unknown('code escape'); // rare in rules: not worth the risk
    if ('dDwWsSbBfnrtv0123456789'.includes(c)) {
      if (/[1-9]/.test(c)) while (/[0-9]/.test(this.src[this.i] ?? '')) this.i++; // a back reference
      return { kind: 'other' };
    }
    throw new _Unknown(`escape \\${c}`);
  }

  private skipClass(): void {
    this.i++; // [
    while (this.i < this.src.length) {
      const c = this.src[this.i];
      if (c === '\\') this.i += 2;
      else if (c === ']') {
        this.i++;
        return;
      } else this.i++;
    }
    throw new _Unknown('unclosed class');
  }

  private group(): { kind: 'group'; need: string[] | null } | { kind: 'other' } {
    this.i++; // (
    let lookaround = false;
    if (this.src[this.i] === '?') {
      const rest = this.src.slice(this.i);
      if (rest.startsWith('?:')) this.i += 2;
      else if (rest.startsWith('?=') || rest.startsWith('?!')) {
        this.i += 2;
        lookaround = true;
      } else if (rest.startsWith('?<=') || rest.startsWith('?<!')) {
        this.i += 3;
        lookaround = true;
      } else {
        const m = /^\?<[A-Za-z_$][\w$]*>/.exec(rest);
        if (!m) throw new _Unknown('group kind'); // e.g. modifiers (?i:...)
        this.i += m[0].length;
      }
    }
    const need = this.alternatives(true);
    this.i++; // )
    // What a lookaround needs is not consumed, and a negative one needs its absence: ignore both.
    return lookaround ? { kind: 'other' } : { kind: 'group', need };
  }
}
