// The editor schema documents itself: every key carries hover help and completion examples, the
// examples are valid, and Ajv compiles it in strict mode (as the loader does).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import { compileSchema, getValidator, prebuiltValidatorFile, schemaUrl } from '../../src/rules/schema-check.js';

type Node = Record<string, unknown>;
const schema = JSON.parse(readFileSync(schemaUrl, 'utf8')) as Node;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

interface Place {
  pointer: string;
  node: Node;
}

/** Every subschema in the file, with its JSON pointer. */
function collectSchemas(node: Node, pointer = ''): Place[] {
  const out: Place[] = [{ pointer, node }];
  for (const key of ['properties', 'definitions']) {
    const map = node[key];
    if (isNode(map)) for (const [name, sub] of Object.entries(map)) if (isNode(sub)) out.push(...collectSchemas(sub, `${pointer}/${key}/${escape(name)}`));
  }
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const list = node[key];
    if (Array.isArray(list)) list.forEach((sub, i) => isNode(sub) && out.push(...collectSchemas(sub, `${pointer}/${key}/${i}`)));
  }
  if (isNode(node.items)) out.push(...collectSchemas(node.items, `${pointer}/items`));
  return out;
}

const all = collectSchemas(schema);
/** Keys a user types in the file (values of a `properties` map) and the named building blocks. */
const documented = all.filter((p) => /\/(properties|definitions)\/[^/]+$/.test(p.pointer));
const withExamples = all.filter((p) => Array.isArray(p.node.examples));

/** The same Ajv set-up as src/rules/schema-check.ts, so the examples are judged like a real file. */
function createStrictAjv(): Ajv {
  // Strict mode refuses keywords it does not know; these two are annotations for editors and messages.
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajv.addKeyword('markdownDescription');
  ajv.addKeyword('x-expected');
  ajv.addSchema(schema, 'rules');
  return ajv;
}

describe('schema/rules.schema.json', () => {
  const ajv = createStrictAjv();

  it('compiles in Ajv strict mode, as the loader compiles it', () => {
    expect(() => getValidator()).not.toThrow();
    expect(() => createStrictAjv().getSchema('rules')).not.toThrow();
  });

  it('finds every key a rules file can have', () => {
    // A guard for the walk itself: if the schema's shape changes, this test must still see every key.
    const names = new Set(documented.map((p) => p.pointer.split('/').pop()));
    for (const key of [
      'version', 'settings', 'timezone', 'opt_out', 'enabled', 'stop_words', 'start_words', 'stop_reply', 'start_reply',
      'reply_limit', 'max', 'per', 'rules', 'name', 'match', 'unless', 'when', 'days', 'hours', 'cooldown',
      'case_sensitive', 'reply', 'body', 'from', 'to', 'keyword', 'media', 'tests', 'message', 'at', 'expect', 'rule',
      'reply_contains', 'no_reply',
    ]) {
      expect(names).toContain(key);
    }
    const pointers = documented.map((p) => p.pointer);
    expect(pointers).toContain('/properties/settings/properties/reply_limit/anyOf/1/properties/per');
    expect(pointers).toContain('/definitions/message/anyOf/1/properties/media');
  });

  it.each(documented.map((p) => [p.pointer, p.node] as const))('%s has a title, a description and examples', (_pointer, node) => {
    expect(typeof node.title, 'title').toBe('string');
    expect(String(node.title).length).toBeGreaterThan(2);
    expect(typeof node.description, 'description').toBe('string');
    expect(String(node.description).length).toBeGreaterThan(10);
    expect(Array.isArray(node.examples) && node.examples.length > 0, 'examples').toBe(true);
    if (node.markdownDescription !== undefined) expect(typeof node.markdownDescription).toBe('string');
  });

  it('uses plain text in descriptions: no JSON pointers or programmer words', () => {
    for (const { pointer, node } of documented) {
      for (const text of [node.title, node.description]) {
        expect(String(text), pointer).not.toMatch(/#\/|\$ref|\bregex|\bboolean\b|\bJSON\b/i);
      }
    }
  });

  it.each(withExamples.map((p) => [p.pointer, p.node.examples as unknown[]] as const))('examples of %s are valid there', (pointer, examples) => {
    const validate = ajv.getSchema(`rules#${pointer}`);
    expect(validate, `no schema at ${pointer}`).toBeDefined();
    for (const example of examples) {
      const ok = validate!(example);
      expect(ok, `${JSON.stringify(example)}: ${JSON.stringify(validate!.errors)}`).toBe(true);
    }
  });

  it('has a complete example file as its own example, and it is valid', () => {
    const validate = getValidator();
    expect(Array.isArray(schema.examples)).toBe(true);
    for (const example of schema.examples as unknown[]) expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('the validator written by npm run build', () => {
  // dist/ is built before the tests run (npm's pretest). The server loads this file instead of
  // compiling the schema; it must find exactly what compiling the schema finds, so a schema
  // changed without a build fails here.
  const prebuilt = createRequire(import.meta.url)(`../../dist/rules/${prebuiltValidatorFile}`) as ValidateFunction;
  const compiled = compileSchema();
  const fixtures = ['err', 'ok'].flatMap((kind) => {
    const dir = new URL(`../fixtures/rules/${kind}/`, import.meta.url);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => [`${kind}/${f}`, parseDocument(readFileSync(new URL(f, dir), 'utf8'))] as const)
      .filter(([, doc]) => doc.errors.length === 0) // not YAML at all: never reaches the schema
      .map(([name, doc]) => [name, doc.toJS()] as const);
  });

  it('is tried on files the schema refuses, too', () => {
    expect(fixtures.filter(([, data]) => !compiled(data)).length).toBeGreaterThan(5);
  });

  it.each(fixtures)('agrees with the schema on %s', (_, data) => {
    expect(prebuilt(data)).toBe(compiled(data));
    expect(prebuilt.errors ?? null).toEqual(compiled.errors ?? null);
  });

  it('agrees with the schema on its examples', () => {
    for (const example of schema.examples as unknown[]) expect(prebuilt(example)).toBe(true);
  });
});
