import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { tempDir } from '../support/server.js';
import { buildOnce } from '../support/build.js';

const root = join(import.meta.dirname, '..', '..');
const broken = join('test', 'fixtures', 'rules', 'err', 'unknown-key.yaml');
const { dir, remove } = tempDir('autoreply-check-');
afterAll(remove);

describe('autoreply check', () => {
  it('reads RULES_FILE when no file is named, then rules.yaml', async () => {
    const r = await cli(['check'], { RULES_FILE: broken });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${broken}:5:7: error: rule 1 "opening-hours", in "match": unknown key "bdy"; did you mean "body"? [unknown-key]`);
    const fromDefault = await cli(['check']);
    expect(fromDefault.stdout).toMatch(/^rules\.yaml: \d+ rules, \d+ tests passed\n$/);
    expect(fromDefault.code).toBe(0);
  });

  it('prints the same problems as JSON for editors and CI', async () => {
    const r = await cli(['check', '--format', 'json', broken]);
    expect(r.code).toBe(1);
    const problems = JSON.parse(r.stdout);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toEqual({
      file: broken,
      line: 5,
      column: 7,
      length: 3,
      severity: 'error',
      message: 'rule 1 "opening-hours", in "match": unknown key "bdy"; did you mean "body"?',
      kind: 'unknown-key',
      hint: 'allowed here: "body", "from", "to", "keyword", "media"',
    });
    const good = await cli(['check', '--format', 'json', 'rules.yaml']);
    expect(JSON.parse(good.stdout)).toEqual([]);
    expect(good.code).toBe(0);
  });

  it('carries a failed test\'s expected and got lines in JSON too', async () => {
    const r = await cli(['check', '--format', 'json', join('test', 'fixtures', 'rules', 'err', 'failing-tests.yaml')]);
    const first = JSON.parse(r.stdout)[0];
    expect(first.kind).toBe('test');
    expect(first.details).toEqual(['expected: rule "opening-hours"', 'got:      no rule answers']);
  });

  it('exits 0 with warnings only, and says how many', async () => {
    const file = join(dir, 'warn.yaml');
    writeFileSync(file, 'version: 1\nrules:\n  - name: all\n    reply: "hi"\n  - name: never\n    reply: "ho"\n');
    const r = await cli(['check', file]);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`${file}: 2 rules, no tests, 1 warning`);
  });

  it.each([
    [['check', '--format', 'xml'], '--format "xml" is not known. Choose one of: text, json.'],
    [['check', 'a.yaml', 'b.yaml'], 'too many arguments'],
    [['check', '--strict'], "unknown option '--strict'"],
  ])('exits 2 for bad usage: %j', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('npx autoreply check, as a person runs it', () => {
  beforeAll(() => buildOnce(), 120_000);

  it('prints the problems of a broken file and exits 1', async () => {
    const run = promisify(execFile);
    const err = await run('npx', ['--no-install', 'autoreply', 'check', broken], { cwd: root }).then(
      () => null,
      (e: { code: number; stdout: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stdout).toContain('unknown key "bdy"; did you mean "body"?');
    expect(err?.stdout).toContain(`${broken}: 3 errors (2 rules, no tests); the server would not use this file`);
  }, 60_000);
});
