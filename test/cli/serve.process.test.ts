// The real server process, started the way `npm start` starts it (bin/autoreply.js serve on the
// built output), configured only through environment variables.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { parseLaml } from '../support/laml.js';
import { form, nextSid, tempDir } from '../support/server.js';
import { buildOnce, repoRoot } from '../support/build.js';

const children: ChildProcess[] = [];
const dirs: { remove: () => void }[] = [];
afterEach(() => {
  children.splice(0).forEach((c) => c.kill('SIGKILL'));
  dirs.splice(0).forEach((d) => d.remove());
});
beforeAll(() => buildOnce(), 120_000);

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/autoreply.js'), 'serve'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function listeningUrl(output: () => string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const m = /"url":"(http:\/\/[^"]+)"/.exec(output());
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`server did not start:\n${output()}`);
}

describe('autoreply serve (real process)', () => {
  it('serves the example rules.yaml, records to SQLite and stops cleanly on SIGTERM', async () => {
    const d = tempDir();
    dirs.push(d);
    const rulesFile = join(d.dir, 'rules.yaml');
    copyFileSync(join(repoRoot, 'rules.yaml'), rulesFile);
    const databasePath = join(d.dir, 'data', 'autoreply.db');
    const server = start({ RULES_FILE: rulesFile, DATABASE_PATH: databasePath });
    const url = await listeningUrl(server.output);
    expect(url).toMatch(/\/webhooks\/sms$/);
    const sid = nextSid();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ From: '+15550001111', To: '+15550002222', Body: 'What are your hours?', MessageSid: sid }),
    });
    expect(res.status).toBe(200);
    expect(parseLaml(await res.text())[0].body).toMatch(/open/i);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const db = new Database(databasePath, { readonly: true });
    expect(db.prepare('SELECT rule, outcome FROM messages WHERE message_sid = ?').get(sid)).toEqual({ rule: 'opening-hours', outcome: 'replied' });
    db.close();
  });

  it('exits with status 1 and prints the problems when the rules file is invalid', async () => {
    const d = tempDir();
    dirs.push(d);
    const rulesFile = join(d.dir, 'rules.yaml');
    writeFileSync(rulesFile, 'version: 1\nrules:\n  - name: x\n    match: { bdy: hi }\n    reply: hello\n');
    const server = start({ RULES_FILE: rulesFile, DATABASE_PATH: join(d.dir, 'a.db') });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain(`${rulesFile}:4:14: error: rule 1 "x", in "match": unknown key "bdy"; did you mean "body"? [unknown-key]`);
  });

  it('exits with status 1 when the rules file is missing', async () => {
    const d = tempDir();
    dirs.push(d);
    const server = start({ RULES_FILE: join(d.dir, 'nope.yaml'), DATABASE_PATH: join(d.dir, 'a.db') });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('the file does not exist');
  });
});
