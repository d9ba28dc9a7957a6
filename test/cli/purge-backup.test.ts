import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { sms, startTestServer, type TestServer } from '../support/server.js';

const rules = `
version: 1
settings:
  reply_limit: off
rules:
  - name: stop
    match: { keyword: STOP }
    reply: null
  - name: hi
    reply: ["one", "two"]
`;
const day = 86_400_000;
const now = Date.now();
const at = (msAgo: number) => new Date(now - msAgo).toISOString();

let s: TestServer;
let db: string;
function count(sql: string): number {
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare(sql).get() as { n: number }).n;
  } finally {
    d.close();
  }
}

beforeAll(async () => {
  s = await startTestServer(rules, {}, at(200 * day));
  db = s.config.databasePath;
  for (const ago of [150, 120, 100, 10, 1]) {
    s.clock.set(at(ago * day));
    expect((await s.post(sms({ Body: `hello ${ago}`, From: `+49170000${ago}` }))).status).toBe(200);
  }
  s.clock.set(at(150 * day));
  await s.post(sms({ Body: 'STOP', From: '+4917099' }));
});
afterAll(() => s.stop());

describe('autoreply purge', () => {
  it('counts without deleting on --dry-run, then deletes old messages and their replies, keeping opt-outs', async () => {
    const optOutsBefore = count('SELECT count(*) AS n FROM opt_outs');
    const dry = await cli(['purge', '--older-than', '90d', '--dry-run', '--db', db]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Would delete 4 messages and 6 replies received before \S+Z\. Nothing was changed \(--dry-run\)\.\n$/);
    expect(count('SELECT count(*) AS n FROM messages')).toBe(6);

    const real = await cli(['purge', '--older-than', '90d'], { DATABASE_PATH: db });
    expect(real.stdout).toMatch(/^Deleted 4 messages and 6 replies received before /);
    expect(count('SELECT count(*) AS n FROM messages')).toBe(2);
    expect(count('SELECT count(*) AS n FROM replies')).toBe(4);
    expect(count('SELECT count(*) AS n FROM opt_outs')).toBe(optOutsBefore);
    expect(optOutsBefore).toBe(1);

    const again = await cli(['purge', '--older-than', '90d', '--db', db]);
    expect(again.stdout).toMatch(/^Deleted 0 messages and 0 replies/);
  });

  it.each([['90'], ['soon'], ['0d']])('refuses the age "%s"', async (age) => {
    const r = await cli(['purge', '--older-than', age, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`autoreply: --older-than "${age}" is not an age. Write it like 90d, 12w or 36h.\n`);
  });

  it('needs --older-than', async () => {
    const r = await cli(['purge', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--older-than');
  });
});

describe('autoreply backup', () => {
  it('copies the database while the server runs, and never overwrites a file', async () => {
    const file = join(s.dir, 'backup.db');
    const r = await cli(['backup', file, '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Backed up ${db} to ${file}.\n`);
    const copy = new Database(file, { readonly: true });
    try {
      expect((copy.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(count('SELECT count(*) AS n FROM messages'));
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      copy.close();
    }
    // The server keeps answering and recording after the backup.
    expect((await s.post(sms())).status).toBe(200);

    const again = await cli(['backup', file, '--db', db]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
  });

  it('says when there is no database to back up', async () => {
    const r = await cli(['backup', join(s.dir, 'b2.db'), '--db', join(s.dir, 'missing.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('There is no database at');
    expect(existsSync(join(s.dir, 'b2.db'))).toBe(false);
  });
});
