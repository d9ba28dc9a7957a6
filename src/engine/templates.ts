// Reply templates: Handlebars rendered as plain text, with a small, documented set of helpers.
import Handlebars from 'handlebars';
import { localTime } from './time.js';

type HelperFn = (...args: unknown[]) => unknown;

/** Helpers a rule author may use; each is documented in docs/rules.md. */
export const helperNames = ['upper', 'lower', 'trim', 'truncate', 'default', 'date'] as const;
/** Handlebars' own block helpers that stay available. */
const builtinHelpers = ['if', 'unless', 'each', 'with', 'lookup'] as const;
export const knownHelpers: ReadonlySet<string> = new Set([...helperNames, ...builtinHelpers]);

export interface TemplateProblem {
  message: string;
  /** 1-based line and 0-based column inside the template text. */
  line: number;
  column: number;
  kind: 'template' | 'unknown-helper';
}

export interface VariableUse {
  name: string;
  line: number;
  column: number;
}

export interface CompiledTemplate {
  text: string;
  render(context: Record<string, unknown>): string;
  /** Top-level names the template reads, for "this can never be set" warnings. */
  variables: VariableUse[];
  /** True when the template is plain text without any {{ }}: no rendering needed. */
  constant: boolean;
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `{{date now "dd.MM.yyyy HH:mm"}}`: the tokens yyyy MM dd HH mm ss ddd, in the rules' time zone. */
export function formatDate(value: unknown, format: string, zone: string): string {
  const at = value instanceof Date ? value : new Date(str(value));
  if (Number.isNaN(at.getTime())) return str(value);
  const t = localTime(at, zone);
  const weekday = t.weekday[0].toUpperCase() + t.weekday.slice(1);
  return format.replace(/yyyy|ddd|MM|dd|HH|mm|ss/g, (token) => {
    switch (token) {
      case 'yyyy':
        return pad(t.year, 4);
      case 'MM':
        return pad(t.month);
      case 'dd':
        return pad(t.day);
      case 'HH':
        return pad(t.hour);
      case 'mm':
        return pad(t.minute);
      case 'ss':
        return pad(t.second);
      default:
        return weekday;
    }
  });
}

function createHelpers(zone: string): Record<(typeof helperNames)[number], HelperFn> {
  // Handlebars passes an options object last; helpers look only at the arguments before it.
  const args = (all: unknown[]) => all.slice(0, -1);
  return {
    upper: (...a) => str(args(a)[0]).toUpperCase(),
    lower: (...a) => str(args(a)[0]).toLowerCase(),
    trim: (...a) => str(args(a)[0]).trim(),
    truncate: (...a) => {
      const [value, length] = args(a);
      const n = Number(length);
      return Number.isFinite(n) && n >= 0 ? Array.from(str(value)).slice(0, n).join('') : str(value);
    },
    default: (...a) => {
      const [value, fallback] = args(a);
      return str(value).trim() === '' ? str(fallback) : str(value);
    },
    date: (...a) => {
      const [value, format] = args(a);
      return formatDate(value ?? new Date(), typeof format === 'string' ? format : 'yyyy-MM-dd HH:mm', zone);
    },
  };
}

/** One Handlebars environment per loaded rules file, so `date` knows the file's time zone. */
export function createTemplateEngine(zone: string) {
  const hb = Handlebars.create();
  hb.registerHelper(createHelpers(zone));
  const options: CompileOptions = {
    noEscape: true, // SMS is plain text: "&" stays "&"; XML escaping happens once, in laml.ts
    strict: false,
    knownHelpers: Object.fromEntries(helperNames.map((h) => [h, true])),
    knownHelpersOnly: true,
  };

  function compile(text: string): { template?: CompiledTemplate; problems: TemplateProblem[] } {
    // Without "{{" nothing in the text is a placeholder, and Handlebars would give it back as it
    // is; most fixed replies are like this, and parsing them was a good part of loading a file.
    if (!text.includes('{{')) return { problems: [], template: { text, constant: true, variables: [], render: () => text } };
    let ast: hbs.AST.Program;
    try {
      ast = hb.parse(text);
    } catch (err) {
      return { problems: [explainParseError(err as Error)] };
    }
    const problems: TemplateProblem[] = [];
    const variables: VariableUse[] = [];
    walk(ast, (path, asHelper) => {
      const name = path.parts[0] ?? path.original;
      if (asHelper) {
        if (!knownHelpers.has(path.original)) {
          problems.push({
            message: `unknown helper "${path.original}"`,
            line: path.loc.start.line,
            column: path.loc.start.column,
            kind: 'unknown-helper',
          });
        }
      } else if (!path.data && path.depth === 0 && name && path.original !== 'this' && !path.original.startsWith('this.')) {
        variables.push({ name, line: path.loc.start.line, column: path.loc.start.column });
      }
    });
    if (problems.length) return { problems };
    const constant = ast.body.every((s) => s.type === 'ContentStatement');
    const fn = hb.compile(ast, options); // the parsed text: Handlebars would parse it again
    // Only text (e.g. "\\{{" for literal braces): what Handlebars makes of it is fixed.
    const fixed = constant ? fn({}) : undefined;
    return {
      problems,
      template: {
        text,
        constant,
        variables,
        render: fixed !== undefined ? () => fixed : (context) => fn(context, { allowProtoPropertiesByDefault: false }),
      },
    };
  }

  return { compile };
}

type Visit = (path: hbs.AST.PathExpression, asHelper: boolean) => void;

function walk(node: unknown, visit: Visit): void {
  if (!node || typeof node !== 'object') return;
  const n = node as hbs.AST.Node & Record<string, unknown>;
  switch (n.type) {
    case 'Program':
      for (const s of (n as unknown as hbs.AST.Program).body) walk(s, visit);
      return;
    case 'MustacheStatement':
    case 'SubExpression':
    case 'BlockStatement': {
      const m = n as unknown as hbs.AST.MustacheStatement & { program?: unknown; inverse?: unknown };
      const isCall = n.type !== 'MustacheStatement' || m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0;
      if (m.path.type === 'PathExpression') visit(m.path as hbs.AST.PathExpression, isCall);
      for (const p of m.params) walk(p, visit);
      for (const pair of m.hash?.pairs ?? []) walk(pair.value, visit);
      walk(m.program, visit);
      walk(m.inverse, visit);
      return;
    }
    case 'PathExpression':
      visit(n as unknown as hbs.AST.PathExpression, false);
      return;
    default:
      return;
  }
}

/** Handlebars' parser speaks in grammar tokens; say what is wrong in the author's terms. */
function explainParseError(err: Error): TemplateProblem {
  const text = err.message;
  const line = Number(/on line (\d+)/.exec(text)?.[1] ?? /- (\d+):\d+$/.exec(text)?.[1] ?? 1);
  const column = Number(/- \d+:(\d+)$/.exec(text)?.[1] ?? 0);
  const got = /got '(\w+)'/.exec(text)?.[1];
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(text);
  let message: string;
  if (mismatch) message = `{{#${mismatch[1]}}} is closed with {{/${mismatch[2]}}}; the names must be the same`;
  else if (got === 'EOF' && text.includes('OPEN_ENDBLOCK')) message = 'a {{#...}} block is never closed; add the matching {{/...}}';
  else if (got === 'EOF') message = 'the text ends inside a {{ }} part; is a closing }} missing?';
  else if (got === 'OPEN_ENDBLOCK') message = 'a closing {{/...}} has no matching {{#...}} before it';
  else if (got === 'CLOSE') message = 'a {{ }} part is empty';
  else if (got === 'INVALID') message = 'a {{ }} part is not closed, or contains characters that are not allowed';
  else message = 'the {{ }} parts are not written correctly';
  return { message: `template error: ${message}`, line, column, kind: 'template' };
}
