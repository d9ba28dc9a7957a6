// Golden files for `autoreply check`: each test/fixtures/rules/err/<case>.yaml sits next to
// <case>.out, the exact output expected; every ok/*.yaml must produce no problem at all.
// Adding a case needs no code. UPDATE_GOLDEN=1 npx vitest run test/rules/golden.test.ts rewrites
// the .out files (read the diff before committing them).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const dir = join('test', 'fixtures', 'rules'); // relative, so the output names the file the same way everywhere
const cases = (sub: string) => readdirSync(join(dir, sub)).filter((f) => f.endsWith('.yaml')).sort();

describe('check: every problem kind, exactly as printed', () => {
  it.each(cases('err'))('%s', async (name) => {
    const file = join(dir, 'err', name);
    const r = await cli(['check', file]);
    const golden = file.replace(/\.yaml$/, '.out');
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, r.stdout);
    expect(r.stdout).toBe(readFileSync(golden, 'utf8'));
    expect(r.stderr).toBe('');
    // Exit 1 exactly when the file has an error, which the summary line states.
    expect(r.code).toBe(/: error: /.test(r.stdout) ? 1 : 0);
    expect(r.stdout).toMatch(/: (warning|error): /); // a case in err/ must report something
  });
});

describe('check: files without problems', () => {
  it.each([...cases('ok').map((f) => join(dir, 'ok', f)), 'rules.yaml'])('%s', async (file) => {
    const r = await cli(['check', file]);
    expect(r.stdout).toMatch(new RegExp(`^${file.replace(/[.\\/]/g, '\\$&')}: \\d+ rules?, (\\d+ tests? passed|no tests)\\n$`));
    expect(r.code).toBe(0);
  });
});
