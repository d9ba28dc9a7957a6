// Hot reload with real files: in-place saves, editor-style write-and-rename, symlinks that get
// re-pointed (Kubernetes ConfigMaps), bad saves, and SIGHUP-style reload calls.
import { mkdirSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { parseLaml } from '../support/laml.js';
import { sms, startTestServer, type TestServer } from '../support/server.js';

const rulesSaying = (text: string, extra = '') => `version: 1
settings: { reply_limit: off }
rules:
  - name: all
    reply: "${text}"
${extra}`;

async function replyText(s: TestServer): Promise<string> {
  const res = await s.post(sms());
  return parseLaml(await res.text())[0]?.body ?? '';
}

/** Polls until the server answers with `text` (the watcher is asynchronous); gives up after 3 s. */
async function waitForReply(s: TestServer, text: string): Promise<string> {
  const deadline = Date.now() + 3000;
  let got = '';
  while (Date.now() < deadline) {
    got = await replyText(s);
    if (got === text) return got;
    await new Promise((r) => setTimeout(r, 20));
  }
  return got;
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('hot reload', () => {
  it('picks up a save in place', async () => {
    server = await startTestServer(rulesSaying('one'));
    expect(await replyText(server)).toBe('one');
    writeFileSync(server.rulesPath, rulesSaying('two'));
    expect(await waitForReply(server, 'two')).toBe('two');
  });

  it('picks up an editor-style save (write a new file, rename it over the old one)', async () => {
    server = await startTestServer(rulesSaying('one'));
    const tmp = join(server.dir, '.rules.yaml.swp');
    writeFileSync(tmp, rulesSaying('renamed'));
    renameSync(tmp, server.rulesPath);
    expect(await waitForReply(server, 'renamed')).toBe('renamed');
  });

  it('follows a symlink that is re-pointed, as Kubernetes does with ConfigMaps', async () => {
    server = await startTestServer(rulesSaying('placeholder'));
    const { dir } = server;
    // Lay out dir/..v1/rules.yaml, dir/..data -> ..v1, dir/k8s.yaml -> ..data/rules.yaml
    for (const [version, text] of [
      ['..v1', 'first'],
      ['..v2', 'second'],
    ]) {
      mkdirSync(join(dir, version));
      writeFileSync(join(dir, version, 'rules.yaml'), rulesSaying(text));
    }
    symlinkSync('..v1', join(dir, '..data'));
    unlinkSync(server.rulesPath);
    symlinkSync('..data/rules.yaml', server.rulesPath);
    expect(await waitForReply(server, 'first')).toBe('first');
    symlinkSync('..v2', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    expect(await waitForReply(server, 'second')).toBe('second');
  });

  it('keeps answering with the previous rules when a save has problems, and records the attempt', async () => {
    server = await startTestServer(rulesSaying('good'));
    const goodVersion = server.rules.current.version;
    writeFileSync(server.rulesPath, 'version: 1\nrules:\n  - name: all\n    reply: "{{#if}}"\n    bdy: x\n');
    const deadline = Date.now() + 3000;
    while (server.rules.lastAttempt.ok && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(server.rules.lastAttempt.ok).toBe(false);
    expect(server.rules.lastAttempt.problems.map((p) => `${p.line}:${p.col}`)).toEqual(['4:13', '5:5']);
    expect(await replyText(server)).toBe('good');
    expect(server.rules.current.version).toBe(goodVersion);

    const db = new Database(server.config.databasePath, { readonly: true });
    const loads = db.prepare('SELECT ok, problems FROM rule_loads ORDER BY id').all() as { ok: number; problems: string | null }[];
    db.close();
    expect(loads.map((l) => l.ok)).toEqual([1, 0]);
    expect(loads[1].problems).toContain('unknown key "bdy"');

    writeFileSync(server.rulesPath, rulesSaying('fixed'));
    expect(await waitForReply(server, 'fixed')).toBe('fixed');
  });

  it('refuses a save whose own tests fail, and records the expected and got answers', async () => {
    server = await startTestServer(rulesSaying('good'));
    writeFileSync(
      server.rulesPath,
      rulesSaying('changed', 'tests:\n  - message: { body: "hi" }\n    expect: { reply: "good" }\n'),
    );
    const deadline = Date.now() + 3000;
    while (server.rules.lastAttempt.ok && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(server.rules.lastAttempt.ok).toBe(false);
    expect(await replyText(server)).toBe('good');
    const db = new Database(server.config.databasePath, { readonly: true });
    const refused = db.prepare('SELECT problems FROM rule_loads WHERE ok = 0').get() as { problems: string };
    db.close();
    expect(refused.problems).toBe(
      `${server.rulesPath}:8:22: error: test 1: the reply is not what was expected [test] (expected: "good"; got: "changed")`,
    );
  });

  it('keeps the last good rules when the file is deleted', async () => {
    server = await startTestServer(rulesSaying('still here'));
    unlinkSync(server.rulesPath);
    await server.rules.reload();
    expect(server.rules.lastAttempt).toMatchObject({ ok: false });
    expect(server.rules.lastAttempt.problems[0].message).toBe('the file does not exist');
    expect(await replyText(server)).toBe('still here');
  });

  it('records every distinct rules version that answered, with its full text', async () => {
    server = await startTestServer(rulesSaying('v1'));
    const first = await server.post(sms());
    expect(first.status).toBe(200);
    writeFileSync(server.rulesPath, rulesSaying('v2'));
    await waitForReply(server, 'v2');
    const db = new Database(server.config.databasePath, { readonly: true });
    const sets = db.prepare('SELECT version, source FROM rule_sets ORDER BY first_loaded_at, rowid').all() as { version: string; source: string }[];
    const used = db.prepare('SELECT DISTINCT rules_version AS v FROM messages').all() as { v: string }[];
    db.close();
    expect(sets.map((s) => s.source)).toEqual([rulesSaying('v1'), rulesSaying('v2')]);
    expect(used.map((u) => u.v).sort()).toEqual(sets.map((s) => s.version).sort());
  });
});
