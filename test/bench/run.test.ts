// `npm run bench -- --quick` end to end: every scenario runs against the real built server, and
// results.json says every answered message was recorded and logged. No figure is asserted:
// timings on a shared machine are not a test (STYLE.md).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOnce, repoRoot } from '../support/build.js';
import { tempDir } from '../support/server.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('npm run bench -- --quick', () => {
  it('runs every scenario and the in-process figures and writes results.json', () => {
    buildOnce();
    const out = join(dir.dir, 'results.json');
    const run = spawnSync(process.execPath, [join(repoRoot, 'bench', 'run.mjs'), '--quick', '--out', out], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('autoreply-50 / baseline');

    const results = JSON.parse(readFileSync(out, 'utf8'));
    expect(results.quick).toBe(true);
    expect(results.scenarios.map((s: { name: string }) => s.name)).toEqual(['baseline', 'autoreply-50', 'autoreply-1000', 'duplicates', 'autoreply-50-sync-full']);
    for (const s of results.scenarios) {
      expect(s.saturation.ok, s.name).toBeGreaterThan(0);
      expect(s.saturation.non2xx + s.saturation.errors, s.name).toBe(0);
      if (s.name === 'baseline') continue;
      expect(s.everyAnswerRecorded, s.name).toBe(true);
      expect(s.everyAnswerLogged, s.name).toBe(true);
      expect(s.peakRssMb, s.name).toBeGreaterThan(0);
    }
    for (const s of results.scenarios.filter((x: { name: string }) => x.name !== 'autoreply-50-sync-full')) expect(s.steady.ok, s.name).toBe(s.steady.requests);
    expect(Object.keys(results.ratios)).toEqual(['autoreply-50 / baseline', 'autoreply-1000 / autoreply-50', 'duplicates / baseline', 'sync-full / sync-normal (50 rules)']);
    expect(Object.keys(results.targets)).toHaveLength(7);
    expect(results.micro.matchRender.map((m: { rules: number }) => m.rules)).toEqual([10, 100]);
    expect(results.micro.load.coldMs).toHaveLength(2); // each in a fresh process
    expect(results.micro.load.rules).toBe(100);
    expect(results.micro.reload.saves).toBe(3);
  }, 90_000);
});
