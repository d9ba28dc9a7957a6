import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

const good = 'version: 1\nrules:\n  - name: a\n    reply: "A"\n';
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer(good);
});
afterAll(() => s.stop());

function loads() {
  const db = new Database(s.config.databasePath, { readonly: true });
  try {
    return db.prepare('SELECT loaded_at, version, ok, problems FROM rule_loads ORDER BY id').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describe('rule_loads', () => {
  it('records every load attempt: the first load, a refused save, a missing file, and a good save', async () => {
    s.clock.set('2026-12-02T11:00:00Z');
    const bad = 'version: 1\nrules:\n  - name: a\n    reply: "{{#if}}"\n';
    writeFileSync(s.rulesPath, bad);
    await s.rules.reload();
    s.clock.set('2026-12-02T12:00:00Z');
    rmSync(s.rulesPath);
    await s.rules.reload();
    s.clock.set('2026-12-02T13:00:00Z');
    const second = good.replace('"A"', '"B"');
    writeFileSync(s.rulesPath, second);
    await s.rules.reload();

    const rows = loads();
    expect(rows.map(({ loaded_at, version, ok }) => ({ loaded_at, version, ok }))).toEqual([
      { loaded_at: '2026-12-02T10:00:00.000Z', version: sha(good), ok: 1 },
      { loaded_at: '2026-12-02T11:00:00.000Z', version: sha(bad), ok: 0 },
      { loaded_at: '2026-12-02T12:00:00.000Z', version: null, ok: 0 },
      { loaded_at: '2026-12-02T13:00:00.000Z', version: sha(second), ok: 1 },
    ]);
    expect(rows[0].problems).toBeNull();
    expect(rows[1].problems).toMatch(/rules\.yaml:4:\d+: error: /);
    expect(rows[2].problems).toMatch(/rules\.yaml/);
    expect(s.rules.current.version).toBe(sha(second));
  });
});
