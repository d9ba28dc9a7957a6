// Validates the parsed rules file against schema/rules.schema.json and turns ajv's findings into
// plain sentences that point at a line and column.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { Problem } from './problems.js';
import type { Path, SourceDoc } from './source-map.js';
import { closest, quoteList } from './suggest.js';
import { describePath, fieldName } from './describe-path.js';

export const schemaUrl = new URL('../../schema/rules.schema.json', import.meta.url);

/**
 * The validator as JavaScript, written next to the compiled code by `npm run build`
 * (scripts/build-validator.mjs): compiling the schema when the server starts cost 60-70 ms of
 * its first rules load. Run from the TypeScript sources (tests), there is none, and the schema is
 * compiled here; a test checks both give the same findings.
 */
export const prebuiltValidatorFile = 'schema-validator.cjs';

/**
 * The one ajv set-up, used here and by the build script. ajv itself is loaded only then: the
 * server, with the built validator, never needs it (a few MB and ~20 ms less at startup).
 */
export function schemaAjv(options: { forCode?: boolean } = {}): Ajv {
  const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, ...(options.forCode ? { code: { source: true } } : {}) });
  // Annotations read by editors (VS Code's YAML extension) and by this file's messages.
  ajv.addKeyword('markdownDescription');
  ajv.addKeyword('x-expected');
  return ajv;
}

export function compileSchema(ajv = schemaAjv()): ValidateFunction {
  return ajv.compile(JSON.parse(readFileSync(schemaUrl, 'utf8')));
}

function prebuiltValidator(): ValidateFunction | undefined {
  try {
    return createRequire(import.meta.url)(`./${prebuiltValidatorFile}`) as ValidateFunction;
  } catch (err) {
    if ((err as { code?: string }).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

let validator: ValidateFunction | undefined;

/** Loaded (or compiled) once per process; strict mode keeps the schema itself honest. */
export function getValidator(): ValidateFunction {
  validator ??= prebuiltValidator() ?? compileSchema();
  return validator;
}

const typeWords: Record<string, string> = {
  string: 'text',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  array: 'a list (lines starting with "- ")',
  object: 'a section with keys',
  null: 'null',
};

export function checkSchema(doc: SourceDoc, file: string): Problem[] {
  const validate = getValidator();
  if (validate(doc.data)) return [];
  const errors = simplify(validate.errors ?? []);
  return errors.map((e) => toProblem(e, doc, file));
}

function pathOf(e: ErrorObject): Path {
  if (e.instancePath === '') return [];
  return e.instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const isTypeLike = (e: ErrorObject) => e.keyword === 'type' || e.keyword === 'const';

/**
 * "Any of" alternatives (a reply is text, a list, or null) make ajv report one error per
 * alternative. When the value clearly aims at one alternative (it has deeper errors, or errors
 * other than "wrong type"), keep that alternative's errors; otherwise report one sentence that
 * lists what is allowed.
 */
function simplify(all: ErrorObject[]): ErrorObject[] {
  let errors = [...all];
  const anyOfs = errors
    .filter((e) => e.keyword === 'anyOf')
    .sort((a, b) => b.instancePath.length - a.instancePath.length);
  for (const anyOf of anyOfs) {
    const at = anyOf.instancePath;
    const inside = (e: ErrorObject) => e !== anyOf && (e.instancePath === at || e.instancePath.startsWith(at + '/'));
    const aimed = errors.filter((e) => inside(e) && !(e.instancePath === at && isTypeLike(e)));
    if (aimed.length > 0) {
      errors = errors.filter((e) => e !== anyOf && !(e.instancePath === at && isTypeLike(e)));
    } else {
      errors = errors.filter((e) => !inside(e));
    }
  }
  // One problem per place and kind is enough.
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function show(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 37) + '...' : value}"`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a section';
  return String(value);
}

function toProblem(e: ErrorObject, doc: SourceDoc, file: string): Problem {
  const path = pathOf(e);
  // Messages about a key inside a section name the section; messages about a value name the value.
  const container = describePath(doc.data, path);
  const parent = describePath(doc.data, path.slice(0, -1));
  const field = fieldName(path);
  const base = { file, severity: 'error' as const, kind: 'schema' };
  const at = (p: Path, key = false) => (key ? doc.keyAt(p) : doc.valueAt(p));
  const prefix = parent ? `${parent}: ` : '';
  const inside = container ? `${container}: ` : '';
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String(e.params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      const guess = closest(extra, allowed);
      return {
        ...base,
        kind: 'unknown-key',
        ...at([...path, extra], true),
        message: `${inside}unknown key "${extra}"${guess ? `; did you mean "${guess}"?` : ''}`,
        hint: `allowed here: ${quoteList(allowed)}`,
      };
    }
    case 'required': {
      const missing = String(e.params.missingProperty);
      const hint =
        missing === 'reply'
          ? 'add a reply; write reply: null if the rule should answer with nothing'
          : missing === 'name'
            ? 'give the rule a name, e.g. name: opening-hours'
            : undefined;
      return { ...base, kind: 'missing-key', ...at(path, true), message: `${inside}"${missing}" is missing`, hint };
    }
    case 'type': {
      const want = String(e.params.type)
        .split(',')
        .map((t) => typeWords[t] ?? t)
        .join(' or ');
      return { ...base, ...at(path), message: `${prefix}${field} must be ${want}, not ${show(e.data)}` };
    }
    case 'anyOf': {
      const expected = (e.parentSchema as Record<string, unknown>)['x-expected'] ?? 'something else';
      return { ...base, ...at(path), message: `${prefix}${field} must be ${expected}, not ${show(e.data)}` };
    }
    case 'const':
      return { ...base, ...at(path), message: `${prefix}${field} must be ${JSON.stringify(e.params.allowedValue)}, not ${show(e.data)}` };
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const guess = typeof e.data === 'string' ? closest(e.data, allowed) : undefined;
      return {
        ...base,
        ...at(path),
        message: `${prefix}${show(e.data)} is not allowed here${guess ? `; did you mean "${guess}"?` : ''}`,
        hint: `use one of ${quoteList(allowed)}`,
      };
    }
    case 'pattern':
      // The only patterned values in the schema are durations.
      return {
        ...base,
        kind: 'duration',
        ...at(path),
        message: `${prefix}${show(e.data)} is not a length of time`,
        hint: 'write a number and a unit: s (seconds), m (minutes), h (hours), d (days), w (weeks), e.g. 30m, 12h or 1d',
      };
    case 'minItems':
      return { ...base, ...at(path), message: `${prefix}the list ${field} is empty; add at least one item or remove it` };
    case 'maxItems':
      return { ...base, ...at(path), message: `${prefix}${field} has more than ${e.params.limit} items` };
    case 'minLength':
      return { ...base, ...at(path), message: `${prefix}${field} is empty` };
    case 'minProperties':
      return { ...base, ...at(path), message: `${prefix}${field} is empty; fill it in or remove it` };
    case 'minimum':
    case 'maximum':
      return { ...base, ...at(path), message: `${prefix}${field} must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${e.params.limit}` };
    default:
      return { ...base, ...at(path), message: `${prefix}${field} ${e.message ?? 'is not valid'}` };
  }
}
