// Faults while running: a full disk (a real, tiny tmpfs) and a rules file that disappears.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { echoRules, sms } from '../support/server.js';
import { startTrustServer } from '../support/trust-server.js';

const rules = echoRules;

/** A 4 MiB tmpfs, or null where mounting is not allowed (not root): the disk test is skipped then. */
function mountTinyDisk(): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'autoreply-tinydisk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

function fillDisk(dir: string): string {
  const filler = join(dir, 'filler');
  const chunk = Buffer.alloc(64 * 1024, 1);
  // Write until the disk refuses; appendFileSync writes what fits and then throws ENOSPC.
  for (let i = 0; i < 1000; i++) {
    try {
      writeFileSync(filler, chunk, { flag: 'a' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return filler;
      throw err;
    }
  }
  throw new Error('the tiny disk never filled up');
}

const disk = mountTinyDisk();
afterAll(() => {
  if (!disk) return;
  execFileSync('umount', [disk]);
  rmSync(disk, { recursive: true, force: true });
});

describe('the database cannot be written (full disk)', () => {
  it.skipIf(!disk)('answers 503 with Retry-After and /healthz 503, and recovers on its own when space returns', async () => {
    const dir = join(disk!, 'srv');
    mkdirSync(dir);
    const s = await startTrustServer(rules, { dir });
    try {
      expect((await s.post(sms({ Body: 'before' }))).status).toBe(200);
      const filler = fillDisk(disk!);

      // Big bodies so each write needs new space. The first few may still fit: the database
      // reuses the space of its log file once checkpointed. Post until one is refused; each
      // one answered 200 before that must be in the database, once.
      const accepted: string[] = [];
      let refused = sms({ Body: 'x'.repeat(30_000) });
      let res = await s.post(refused);
      while (res.status === 200 && accepted.length < 100) {
        accepted.push(String(refused.MessageSid));
        refused = sms({ Body: 'x'.repeat(30_000) });
        res = await s.post(refused);
      }
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.text()).toBe('The message could not be stored right now. Please retry.');
      const health = await fetch(`${s.url}/healthz`);
      expect(health.status).toBe(503);
      expect(s.logs.some((l) => l.message_sid === refused.MessageSid && l.level === 50)).toBe(true);

      rmSync(filler);
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      // The provider retries the refused message: now it is decided and stored, once.
      const retry = await s.post(refused);
      expect(retry.status).toBe(200);
      expect(await retry.text()).toContain('got xxx');
      expect(s.query('SELECT deliveries FROM messages WHERE message_sid = ?', refused.MessageSid)).toEqual([{ deliveries: 1 }]);
      for (const sid of accepted) expect(s.query('SELECT deliveries FROM messages WHERE message_sid = ?', sid)).toEqual([{ deliveries: 1 }]);
      const check = s.query<{ integrity_check: string }>('PRAGMA integrity_check');
      expect(check).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      await s.close();
    }
  });
});

describe('the database connection goes read-only (injected)', () => {
  it('answers 503 while the file cannot be reopened, then replaces the connection by itself', async () => {
    const s = await startTrustServer(rules);
    try {
      let faulty = true;
      const reopen = s.store.reopen!;
      s.store.reopen = () => {
        if (faulty) throw Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' });
        return reopen();
      };
      s.store.db.pragma('query_only = ON'); // every write on this connection now fails with SQLITE_READONLY

      const refused = sms({ Body: 'during the fault' });
      for (let i = 0; i < 2; i++) {
        const res = await s.post(refused);
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
      }
      expect((await fetch(`${s.url}/healthz`)).status).toBe(503);

      faulty = false;
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      const retry = await s.post(refused);
      expect(retry.status).toBe(200);
      expect(s.query('SELECT body FROM messages WHERE message_sid = ?', refused.MessageSid)).toEqual([{ body: 'during the fault' }]);
    } finally {
      await s.stop();
    }
  });
});

describe('the rules file disappears while running', () => {
  it('keeps answering with the last good rules, logs the problem and keeps it in lastAttempt', async () => {
    const s = await startTrustServer(rules);
    const waitFor = async (ok: boolean) => {
      for (let i = 0; i < 200 && s.rules.lastAttempt.ok !== ok; i++) await new Promise((r) => setTimeout(r, 25));
      expect(s.rules.lastAttempt.ok).toBe(ok);
    };
    try {
      const version = s.rules.current.version;
      renameSync(s.rulesPath, `${s.rulesPath}.away`);
      await waitFor(false);
      expect(s.rules.lastAttempt.problems[0].message).toBe('the file does not exist');
      expect(s.logs.some((l) => l.level === 50 && /previous rules keep answering/.test(l.msg))).toBe(true);
      const res = await s.post(sms({ Body: 'still here?' }));
      expect(await res.text()).toContain('<Message>got still here?</Message>');
      expect(s.rules.current.version).toBe(version);

      // Unreadable: a folder where the file should be.
      mkdirSync(s.rulesPath);
      await new Promise((r) => setTimeout(r, 300));
      await s.rules.reload();
      expect(s.rules.lastAttempt.problems[0].message).toBe('this is a folder, not a file');
      expect((await s.post(sms({ Body: 'and now?' }))).status).toBe(200);

      rmSync(s.rulesPath, { recursive: true });
      renameSync(`${s.rulesPath}.away`, s.rulesPath);
      await s.rules.reload();
      expect(s.rules.lastAttempt.ok).toBe(true);
    } finally {
      await s.stop();
    }
  });
});
