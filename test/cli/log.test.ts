import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomes } from '../../src/engine/evaluate.js';
import { cli, parseCsv } from '../support/cli.js';
import { sms, startTestServer, type TestServer } from '../support/server.js';

const rules = `
version: 1
settings:
  reply_limit: off
rules:
  - name: status
    match: { body: '^status (?<order>\\d+)$' }
    reply: "Order {{order}} for {{From}}"
  - name: echo
    match: { body: '^echo ' }
    reply: "{{Body}}"
  - name: forward
    match: { keyword: FWD }
    reply:
      - body: "first"
      - to: "+491700000000"
        body: "fwd {{From}}"
        media: ["https://example.com/a.png"]
  - name: quiet
    match: { keyword: QUIET }
    reply: null
`;

const day = 86_400_000;
// Times relative to the real clock: the CLI reads "7d" against the wall clock.
const now = Date.now();
const at = (msAgo: number) => new Date(now - msAgo).toISOString();

const tricky = 'echo tricky, "quoted"\r\nline two; ✓ émoji 🎉 עברית =SUM(A1)';
let s: TestServer;
let db: string;
const sids: Record<string, string> = {};

async function send(name: string, when: string, fields: Record<string, string>) {
  s.clock.set(when);
  const msg = sms(fields);
  sids[name] = msg.MessageSid as string;
  const res = await s.post(msg);
  expect(res.status).toBe(200);
  return msg;
}

beforeAll(async () => {
  s = await startTestServer(rules, {}, at(30 * day));
  db = s.config.databasePath;
  const first = await send('old', at(20 * day), { Body: 'status 42', From: '+4917000000001', AccountSid: 'AC1', FromCountry: 'DE' });
  await send('tricky', at(3 * day), { Body: tricky, From: '+4917000000002' });
  await send('quiet', at(2 * day), { Body: 'QUIET please', From: '+4917000000003' });
  await send('nomatch', at(1 * day), { Body: 'random words', From: '+4917000000001' });
  await send('forward', at(60_000), { Body: 'fwd now', From: '+4917000000004', NumMedia: '1', MediaUrl0: 'https://example.com/x.jpg' });
  s.clock.set(at(30_000));
  expect((await s.post(first)).status).toBe(200); // a duplicate delivery of the first message
});
afterAll(() => s.stop());

describe('autoreply log', () => {
  it('lists every message newest first in a table that fits 80 columns', async () => {
    const r = await cli(['log', '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    for (const l of lines) expect(Array.from(l).length).toBeLessThanOrEqual(80);
    const order = ['forward', 'nomatch', 'quiet', 'tricky', 'old'];
    const rowLines = lines.filter((l) => /^\d{4}-/.test(l));
    expect(rowLines.map((l) => l.split(/\s{2,}|\s(?=\+)/).length > 3)).toEqual(order.map(() => true));
    expect(rowLines[0]).toContain('forward');
    expect(rowLines[4]).toContain('status');
    expect(r.stdout).toContain('in: status 42  | out: Order 42 for +4917000000001');
    expect(r.stdout).not.toContain('\r');
  });

  it('reads the database named by DATABASE_PATH when --db is not given', async () => {
    const r = await cli(['log', '--format', 'ndjson'], { DATABASE_PATH: db });
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(5);
  });

  it('writes RFC 4180 CSV that parses back to exactly the stored values', async () => {
    const r = await cli(['log', '--db', db, '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(r.stdout.slice(1));
    const [header, ...data] = rows;
    expect(header).toEqual(['received_at', 'message_sid', 'from_number', 'to_number', 'body', 'num_media', 'rule', 'outcome', 'replies', 'deliveries', 'last_delivery_at', 'rules_version', 'error']);
    expect(data).toHaveLength(5);
    const sqlite = new Database(db, { readonly: true });
    try {
      for (const row of data) {
        const rec = Object.fromEntries(header.map((h, i) => [h, row[i]]));
        const stored = sqlite.prepare('SELECT * FROM messages WHERE message_sid = ?').get(rec.message_sid) as Record<string, unknown>;
        for (const h of header) {
          if (h === 'replies') continue;
          expect(rec[h], h).toBe(stored[h] === null ? '' : String(stored[h]));
        }
      }
    } finally {
      sqlite.close();
    }
    const trickyRow = data.find((row) => row[1] === sids.tricky)!;
    expect(trickyRow[4]).toBe(tricky);
    expect(trickyRow[8]).toBe(tricky);
    const fwd = data.find((row) => row[1] === sids.forward)!;
    expect(fwd[8]).toBe('first\nto +491700000000: fwd +4917000000004');
  });

  it('leaves out the byte-order mark with --no-bom', async () => {
    const r = await cli(['log', '--db', db, '--format', 'csv', '--no-bom', '--limit', '1']);
    expect(r.stdout.startsWith('received_at,')).toBe(true);
    expect(parseCsv(r.stdout)).toHaveLength(2);
  });

  it('gives every column and the replies as JSON', async () => {
    const r = await cli(['log', '--db', db, '--format', 'json', '--rule', 'forward']);
    const [m] = JSON.parse(r.stdout);
    expect(Object.keys(m)).toEqual(expect.arrayContaining(['message_sid', 'received_at', 'from_number', 'to_number', 'body', 'num_media', 'params', 'rule', 'outcome', 'response_xml', 'rules_version', 'deliveries', 'last_delivery_at', 'error', 'replies']));
    expect(m.params.MediaUrl0).toBe('https://example.com/x.jpg');
    expect(m.replies).toEqual([
      { position: 1, to_number: null, body: 'first', media: [] },
      { position: 2, to_number: '+491700000000', body: 'fwd +4917000000004', media: ['https://example.com/a.png'] },
    ]);
  });

  it.each([
    [['--outcome', 'silent'], ['quiet']],
    [['--from', '+4917000000001'], ['nomatch', 'old']],
    [['--from', '+4917000000001', '--outcome', 'no_match'], ['nomatch']],
    [['--since', '7d'], ['forward', 'nomatch', 'quiet', 'tricky']],
    [['--since', '7d', '--until', '36h'], ['quiet', 'tricky']],
    [['--until', at(10 * day).slice(0, 10)], ['old']],
    [['--search', 'ORDER 42'], ['old']],
    [['--search', '✓ émoji'], ['tricky']],
    [['--search', '100%'], []],
    [['--rule', 'status'], ['old']],
    [['--limit', '5'], ['forward', 'nomatch', 'quiet', 'tricky', 'old']],
  ])('filters %j', async (flags, expected) => {
    const r = await cli(['log', '--db', db, '--format', 'ndjson', ...flags]);
    expect(r.stderr).toBe('');
    const got = r.stdout === '' ? [] : r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).message_sid);
    expect(got).toEqual(expected.map((n) => sids[n]));
  });

  it('says on stderr when --limit cut the list', async () => {
    const r = await cli(['log', '--db', db, '--format', 'csv', '--limit', '2']);
    expect(r.code).toBe(0);
    expect(parseCsv(r.stdout.slice(1)).map((row) => row[1])).toEqual(['message_sid', sids.forward, sids.nomatch]);
    expect(r.stderr).toBe('Showing the newest 2 matching messages; there are more. Use --limit to see more.\n');
  });

  it('shows one message in full with --sid', async () => {
    const r = await cli(['log', '--db', db, '--sid', sids.old]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Message ${sids.old}`);
    expect(r.stdout).toMatch(/deliveries\s+2 \(last /);
    expect(r.stdout).toMatch(/AccountSid\s+AC1/);
    expect(r.stdout).toMatch(/FromCountry\s+DE/);
    expect(r.stdout).toContain('1. to the sender:\n     Order 42 for +4917000000001');
    expect(r.stdout).toContain('<Response><Message>Order 42 for +4917000000001</Message></Response>');
    expect(r.stdout).toMatch(/rules version\s+[0-9a-f]{64}/);
  });

  it('says plainly when the --sid is not recorded', async () => {
    const r = await cli(['log', '--db', db, '--sid', 'SMnope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('autoreply: No message with MessageSid "SMnope" is recorded in this database.\n');
  });

  it('names the valid outcomes when the outcome is unknown', async () => {
    const r = await cli(['log', '--db', db, '--outcome', 'sent']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`autoreply: --outcome "sent" is not known. Choose one of: ${outcomes.join(', ')}.\n`);
  });

  it.each([['--since', 'yesterday'], ['--until', '2026-02-30'], ['--since', '7 days']])('refuses the time %s %s', async (flag, value) => {
    const r = await cli(['log', '--db', db, flag, value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${flag} "${value}" is not a time.`);
  });

  it('says there is no database rather than creating one', async () => {
    const missing = join(s.dir, 'nope', 'autoreply.db');
    const r = await cli(['log', '--db', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`autoreply: There is no database at ${missing}. Give the right file with --db PATH or set DATABASE_PATH.\n`);
    expect(existsSync(missing)).toBe(false);
  });

  it('refuses an unknown format', async () => {
    const r = await cli(['log', '--db', db, '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Choose one of: table, csv, json, ndjson.');
  });
});

describe('autoreply stats', () => {
  it('counts messages, replies and duplicates per rule', async () => {
    const r = await cli(['stats', '--db', db, '--by', 'rule', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const by = Object.fromEntries(out.groups.map((g: { group: string | null }) => [g.group ?? 'none', g]));
    expect(by.status).toEqual({ group: 'status', messages: 1, replies: 1, duplicates: 1 });
    expect(by.forward).toEqual({ group: 'forward', messages: 1, replies: 2, duplicates: 0 });
    expect(by.none).toEqual({ group: null, messages: 1, replies: 0, duplicates: 0 });
    expect(out.total).toEqual({ messages: 5, replies: 4, duplicates: 1 });
  });

  it('groups by outcome in a table, limited by --since', async () => {
    const r = await cli(['stats', '--db', db, '--since', '7d']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/replied\s+2\s+3\s+0/);
    expect(r.stdout).toMatch(/total\s+4\s+3\s+0/);
  });

  it('groups by day', async () => {
    const r = await cli(['stats', '--db', db, '--by', 'day', '--format', 'json']);
    const days = JSON.parse(r.stdout).groups.map((g: { group: string }) => g.group);
    expect(days).toEqual([...days].sort().reverse());
    expect(days).toContain(at(20 * day).slice(0, 10));
  });

  it('refuses an unknown grouping', async () => {
    const r = await cli(['stats', '--db', db, '--by', 'week']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Choose one of: rule, outcome, day.');
  });
});

describe('autoreply rules-history', () => {
  it('lists versions, prints one by prefix, diffs two, and lists refused loads', async () => {
    const first = s.rules.current.version;
    writeFileSync(s.rulesPath, rules.replace('Order {{order}}', 'Your order {{order}}'));
    await s.rules.reload();
    const second = s.rules.current.version;
    expect(second).not.toBe(first);
    writeFileSync(s.rulesPath, `${rules}\n  - nme: broken\n`);
    await s.rules.reload();

    const list = await cli(['rules-history', '--db', db]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${first.slice(0, 12)}\\s+\\S+\\s+5\\n`));
    expect(list.stdout).toMatch(new RegExp(`${second.slice(0, 12)}\\s+\\S+\\s+0\\n`));
    expect(list.stdout).not.toContain(first.slice(0, 13));

    const shown = await cli(['rules-history', first.slice(0, 8), '--db', db]);
    expect(shown.stdout).toBe(rules);

    const diff = await cli(['rules-history', '--diff', first.slice(0, 6), second.slice(0, 6), '--db', db]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain(`--- rules ${first.slice(0, 12)}`);
    expect(diff.stdout).toContain(`+++ rules ${second.slice(0, 12)}`);
    expect(diff.stdout).toContain('-    reply: "Order {{order}} for {{From}}"\n+    reply: "Your order {{order}} for {{From}}"\n');
    expect(diff.stdout).toMatch(/@@ -\d+,7 \+\d+,7 @@/);

    const loads = await cli(['rules-history', '--loads', '--db', db]);
    const lines = loads.stdout.split('\n');
    expect(lines[0]).toMatch(/REFUSED/);
    expect(lines[1]).toMatch(/^\s+.*rules\.yaml:\d+:\d+: /);
    expect(loads.stdout.match(/ loaded /g)).toHaveLength(2);
  });

  it.each([
    [['zz12'], 2, 'is not a rules version'],
    [['abc'], 2, 'too short'],
    [['0000000'], 1, 'No rules version starts with "0000000"'],
    [['--diff', 'abcd'], 2, '--diff needs exactly two versions'],
  ])('explains a bad version %j', async (args, code, text) => {
    const r = await cli(['rules-history', ...args, '--db', db]);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(text);
  });
});

describe('autoreply log table', () => {
  it('keeps the reply visible when the message text is long', async () => {
    const r = await cli(['log', '--db', db, '--rule', 'echo']);
    const line = r.stdout.split('\n').find((l) => l.startsWith('  in: '))!;
    expect(line).toMatch(/^ {2}in: echo tricky, "quoted" line two; ✓…  \| out: echo tricky/);
    expect(Array.from(line).length).toBeLessThanOrEqual(80);
  });
});

describe('a file that is not an autoreply database', () => {
  it.each([
    ['empty.db', '', /is not an autoreply database/],
    ['text.db', 'hello, not a database at all, just some text that is long enough to look like a header...', /Cannot open the database .*text\.db: file is not a database/],
  ])('%s gives a plain error', async (name, content, message) => {
    const file = join(s.dir, name);
    writeFileSync(file, content);
    for (const cmd of [['log'], ['stats'], ['rules-history'], ['purge', '--older-than', '1d'], ['backup', join(s.dir, `${name}.bak`)]]) {
      const r = await cli([...cmd, '--db', file]);
      expect(r.code, cmd.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
    }
  });
});
