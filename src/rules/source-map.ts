// Parses YAML text keeping positions, so every later problem can point at a line and column.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Problem } from './problems.js';

export type Path = (string | number)[];

export interface Position {
  line: number;
  col: number;
  length: number;
}

export interface SourceDoc {
  data: unknown;
  /** Where the value at `path` starts (or the nearest parent that exists). */
  valueAt(path: Path): Position;
  /** Where the key named last in `path` stands in its section. */
  keyAt(path: Path): Position;
  /** The YAML node of a plain text value at `path`, for positions inside it. */
  scalarAt(path: Path): { offset: number; quoted: boolean; block: boolean } | undefined;
  position(offset: number, length?: number): Position;
}

// The yaml library's messages are written for programmers; these say the same in plain words.
const syntaxMessages: Record<string, string> = {
  DUPLICATE_KEY: 'this key appears twice in the same section; keep only one',
  TAB_AS_INDENT: 'tabs cannot be used to indent; use spaces',
  BAD_INDENT: 'the indentation (spaces at the start of the line) does not line up with the lines above',
  MISSING_CHAR: 'something is missing here, often a closing quote or bracket',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; is a colon (:) or a quote missing?',
  BLOCK_AS_IMPLICIT_KEY: 'a key must fit on one line; is a colon (:) missing at the end of the line above?',
  UNEXPECTED_TOKEN: 'this text is not expected here; check the quotes and indentation',
  BAD_SCALAR_START: 'a value cannot start with this character; put the value in quotes',
  MULTIPLE_DOCS: 'the file contains "---" which starts a second document; a rules file has only one',
  TAG_RESOLVE_FAILED: 'unknown "!" tag; put the value in quotes',
};

export function parseYamlSource(text: string, file: string): { doc?: SourceDoc; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const position = (offset: number, length = 1): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col, length: Math.max(1, length) };
  };
  const problems: Problem[] = document.errors.map((err) => {
    const [start, end] = err.pos;
    const plain = syntaxMessages[err.code] ?? err.message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, '');
    return {
      file,
      ...position(start, Math.min(end - start, 40)),
      severity: 'error' as const,
      message: `the file is not valid YAML: ${plain}`,
      kind: 'syntax',
    };
  });
  if (problems.length > 0) return { problems };
  return { doc: wrap(document, position), problems };
}

function wrap(document: Document, position: SourceDoc['position']): SourceDoc {
  const rangeOf = (node: Node | null | undefined): Position | undefined => {
    if (!node?.range) return undefined;
    const [start, valueEnd] = node.range;
    const firstLineEnd = isScalar(node) ? valueEnd - start : 1;
    return position(start, firstLineEnd);
  };
  const walk = (path: Path): { node?: Node | null; pair?: Pair; depth: number } => {
    let node: unknown = document.contents;
    let pair: Pair | undefined;
    let depth = 0;
    for (const seg of path) {
      if (isMap(node)) {
        const found = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!found) break;
        pair = found as Pair;
        node = found.value;
      } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
        pair = undefined;
        node = node.items[seg];
      } else break;
      depth++;
    }
    return { node: node as Node | null, pair, depth };
  };
  const top = (): Position => rangeOf(document.contents as Node) ?? position(0);
  return {
    data: document.toJS({ maxAliasCount: 100 }),
    position,
    valueAt(path) {
      // A value that is not there points at the deepest key that is.
      const { node, pair, depth } = walk(path);
      if (depth === path.length) {
        const here = rangeOf(node ?? undefined);
        if (here) return here;
      }
      return (pair && isScalar(pair.key) ? rangeOf(pair.key) : undefined) ?? top();
    },
    keyAt(path) {
      const { pair, depth } = walk(path);
      if (depth === path.length && pair && isScalar(pair.key)) {
        const key = rangeOf(pair.key);
        if (key) return key;
      }
      return this.valueAt(path);
    },
    scalarAt(path) {
      const { node, depth } = walk(path);
      if (depth !== path.length || !isScalar(node) || !node.range) return undefined;
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
      return { offset: node.range[0], quoted, block };
    },
  };
}
