// Process-level: the real `autoreply serve` (built by `npm run build`) killed under load, and two
// servers sharing one database file.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoRules, form, nextSid, tempDir } from '../support/server.js';

const root = join(import.meta.dirname, '..', '..');
const rules = echoRules;

interface Proc {
  child: ChildProcess;
  webhook: string;
  exited: Promise<number | null>;
}

const running: Proc[] = [];

/** Starts `node bin/autoreply.js serve` on a free port and waits for its "listening" log line. */
async function serve(dir: string): Promise<Proc> {
  const child = spawn(process.execPath, [join(root, 'bin', 'autoreply.js'), 'serve'], {
    cwd: dir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', RULES_FILE: join(dir, 'rules.yaml'), DATABASE_PATH: join(dir, 'data', 'autoreply.db'), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Known to afterAll from the start: a server must not outlive the tests when its partner failed.
  running.push({ child, webhook: '', exited });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const webhook = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'listening') resolve(entry.url);
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening: ${stderr}`)));
  });
  return { child, webhook, exited };
}

async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await p.exited;
}

const post = (url: string, fields: Record<string, string>) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(fields) });

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'main.js'))) throw new Error('run `npm run build` first: these tests start the built server');
});
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
});

describe('SIGKILL while a load generator is posting', () => {
  it('keeps every message that got a 200, with its reply, and answers retries from the record', async () => {
    const { dir, remove } = tempDir('autoreply-crash-');
    writeFileSync(join(dir, 'rules.yaml'), rules);
    try {
      const first = await serve(dir);
      const answered = new Map<string, { body: string; xml: string }>();
      let failed = 0;
      let killed = false;
      const total = 400;
      let next = 0;
      // 8 clients post as fast as they can; the server is killed once 100 messages were answered.
      const client = async () => {
        while (next < total) {
          const i = next++;
          const fields = { From: '+15550001111', To: '+15550002222', Body: `load ${i}`, MessageSid: nextSid() };
          try {
            const res = await post(first.webhook, fields);
            const xml = await res.text();
            if (res.status === 200) answered.set(fields.MessageSid, { body: fields.Body, xml });
          } catch {
            failed++; // connection refused or reset: the server is gone
          }
          if (!killed && answered.size >= 100) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, client));
      await first.exited;
      expect(killed).toBe(true);
      expect(failed).toBeGreaterThan(0);

      // The database opens cleanly and holds every acknowledged message with its reply.
      const db = new Database(join(dir, 'data', 'autoreply.db'));
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const message = db.prepare<[string], { body: string; response_xml: string; outcome: string }>('SELECT body, response_xml, outcome FROM messages WHERE message_sid = ?');
        const reply = db.prepare<[string], { body: string }>('SELECT body FROM replies WHERE message_sid = ?');
        for (const [sid, sent] of answered) {
          expect(message.get(sid), sid).toEqual({ body: sent.body, response_xml: sent.xml, outcome: 'replied' });
          expect(reply.all(sid)).toEqual([{ body: `got ${sent.body}` }]);
        }
      } finally {
        db.close();
      }

      // A restarted server answers the provider's retries with the stored responses.
      const second = await serve(dir);
      for (const [sid, sent] of [...answered].slice(0, 150)) {
        const res = await post(second.webhook, { From: '+15550001111', To: '+15550002222', Body: 'changed on retry', MessageSid: sid });
        expect(res.status).toBe(200);
        expect(await res.text()).toBe(sent.xml);
      }
      await stop(second);
      console.info(`crash test: ${answered.size} answered before SIGKILL, ${failed} requests failed after it`);
    } finally {
      remove();
    }
  }, 60_000);
});

describe('two servers sharing one database file', () => {
  it('decides a MessageSid posted to both at once exactly once, with identical answers', async () => {
    const { dir, remove } = tempDir('autoreply-replicas-');
    writeFileSync(join(dir, 'rules.yaml'), rules);
    try {
      const [a, b] = await Promise.all([serve(dir), serve(dir)]);
      const sids = Array.from({ length: 40 }, () => nextSid());
      const answers = await Promise.all(
        sids.map(async (sid, i) => {
          const fields = { From: '+15550001111', To: '+15550002222', Body: `both ${i}`, MessageSid: sid };
          const [ra, rb] = await Promise.all([post(a.webhook, fields), post(b.webhook, fields)]);
          return { sid, i, a: { status: ra.status, xml: await ra.text() }, b: { status: rb.status, xml: await rb.text() } };
        }),
      );
      await Promise.all([stop(a), stop(b)]);
      const db = new Database(join(dir, 'data', 'autoreply.db'), { readonly: true });
      try {
        for (const { sid, i, a: ra, b: rb } of answers) {
          expect(ra.status).toBe(200);
          expect(rb.status).toBe(200);
          expect(ra.xml).toBe(rb.xml);
          expect(ra.xml).toContain(`<Message>got both ${i}</Message>`);
          expect(db.prepare('SELECT deliveries FROM messages WHERE message_sid = ?').all(sid)).toEqual([{ deliveries: 2 }]);
          expect(db.prepare('SELECT count(*) AS n FROM replies WHERE message_sid = ?').get(sid)).toEqual({ n: 1 });
        }
      } finally {
        db.close();
      }
    } finally {
      remove();
    }
  }, 60_000);
});
