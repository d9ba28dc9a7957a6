import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'autoreply-try-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function rulesFile(yaml: string): string {
  const path = join(dir, `rules-${++files}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

// Line numbers matter: --explain names them.
const shop = rulesFile(`version: 1
settings:
  timezone: Europe/Berlin
  reply_limit: off
rules:
  - name: opening-hours
    match: { body: '\\b(hours|open)\\b' }
    reply: "We're open Mon-Fri 9-17."
  - name: polish
    match: { keyword: CZESC }
    reply: "Cześć! Zapraszamy."
  - name: vip
    match: { from: '^\\+4917', body: 'call' }
    unless: { body: 'never' }
    reply:
      - body: "A person will call you."
      - to: "+491700000000"
        body: "Call back {{From}}: {{Body}}"
  - name: photo
    match: { media: true }
    reply:
      - body: "Got your picture {{MediaUrl0}}"
        media: ["https://shop.example.com/thanks.png"]
  - name: echo-twice
    match: { keyword: ECHO }
    reply: "{{args}}{{args}}"
  - name: quiet
    match: { keyword: QUIET }
    reply: null
  - name: after-hours
    when: { days: [mon, tue, wed, thu, fri], hours: "18:00-08:00" }
    cooldown: 12h
    reply: "We're closed."
`);

const tryShop = (...args: string[]) => cli(['try', '--rules', shop, '--at', '2026-12-02T12:00', ...args], { DATABASE_PATH: join(dir, 'server.db') });

describe('autoreply try', () => {
  it('prints the answering rule, each reply with its SMS size, and the LaML', async () => {
    const r = await tryShop('--body', 'What are your hours?');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Rule:     opening-hours (line 6)\n');
    expect(r.stdout).toContain("Reply 1:  We're open Mon-Fri 9-17.\n          1 SMS, GSM-7, 24 characters\n");
    expect(r.stdout).toContain(`LaML:     <?xml version="1.0" encoding="UTF-8"?><Response><Message>We&apos;re open Mon-Fri 9-17.</Message></Response>\n`);
    expect(r.stdout).toContain('Nothing was sent or recorded.');
  });

  it('names the character that makes a reply UCS-2', async () => {
    const r = await tryShop('--body', 'czesc');
    expect(r.stdout).toContain('Reply 1:  Cześć! Zapraszamy.\n          1 SMS, UCS-2 because of "ś", 18 characters\n');
  });

  it('shows forwards with their number and the text the template made', async () => {
    const r = await tryShop('--body', 'please call me', '--from', '+4917012345');
    expect(r.stdout).toContain('Rule:     vip (line 12)');
    expect(r.stdout).toContain('Reply 2:  to +491700000000\n          Call back +4917012345: please call me\n          1 SMS, GSM-7, 37 characters\n');
    expect(r.stdout).toContain('<Message to="+491700000000">Call back +4917012345: please call me</Message>');
  });

  it('says in words when no rule answers, and exits 0', async () => {
    const r = await tryShop('--body', 'hello');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Rule:     none\n');
    expect(r.stdout).toContain('No rule answers this message; the provider gets an empty <Response/>, nothing is sent.');
    expect(r.stdout).toContain('LaML:     <?xml version="1.0" encoding="UTF-8"?><Response/>\n');
    expect(r.stdout).not.toContain('Reply 1');
  });

  it('says a silent rule sends nothing', async () => {
    const r = await tryShop('--body', 'quiet');
    expect(r.stdout).toContain('Rule:     quiet (line 27)');
    expect(r.stdout).toContain('has no reply, so it stays silent: nothing is sent');
  });

  it('prints the note when a reply is cut to 1600 characters', async () => {
    const r = await tryShop('--body', `echo ${'a'.repeat(1000)}`);
    expect(r.stdout).toContain('Note:     reply 1 was 2000 characters long and was cut to 1600\n');
    expect(r.stdout).toContain('11 SMS, GSM-7, 1600 characters');
  });

  it('--media 1 gives the message a picture like a real MMS webhook, and shows reply media', async () => {
    const r = await tryShop('--media', '1');
    expect(r.stdout).toContain('with 1 picture\n');
    expect(r.stdout).toContain('Rule:     photo (line 19)');
    expect(r.stdout).toMatch(/Reply 1: {2}Got your picture https:\/\/media\.example\.com\/sample\/SMtry\d+[0-9a-f]{8}\/picture-1\.jpg\n/);
    expect(r.stdout).toContain('          Media: https://shop.example.com/thanks.png\n');
    expect(r.stdout).toContain('<Media>https://shop.example.com/thanks.png</Media>');
    expect((await tryShop('--media', '0', '--body', 'x')).stdout).toContain('Rule:     none');
  });

  it('--explain lists every rule with the pattern that failed, and the rules after the answer as not tried', async () => {
    const r = await tryShop('--body', 'please call me', '--explain');
    expect(r.stdout).toContain('Rules, top to bottom (the first that fits answers):\n');
    expect(r.stdout).toContain(" ✗ opening-hours (line 6): the message text does not match '\\b(hours|open)\\b'\n");
    expect(r.stdout).toContain(' ✗ polish (line 9):        the first word is not CZESC\n');
    expect(r.stdout).toContain(" ✗ vip (line 12):          the sender's number does not match '^\\+4917'\n");
    expect(r.stdout).toContain(' ✗ photo (line 19):        the message has no pictures\n');
    expect(r.stdout).toContain(" ✗ after-hours (line 30):  it is 12:00, outside the rule's hours (18:00-08:00)\n");
  });

  it('--explain names the failing days, the unless part and the cooldown', async () => {
    const saturday = await cli(['try', '--rules', shop, '--at', '2026-12-05T20:00', '--body', 'x', '--explain']);
    expect(saturday.stdout).toContain(" ✗ after-hours (line 30):  it is sat, outside the rule's days (mon, tue, wed, thu, fri)\n");
    const unless = await tryShop('--body', 'call? never', '--from', '+4917000', '--explain');
    expect(unless.stdout).toContain(` ✗ vip (line 12):          the "unless" part matches (the message text matches 'never')\n`);
    const evening = await cli(['try', '--rules', shop, '--at', '2026-12-02T20:00', '--body', 'x', '--explain']);
    expect(evening.stdout).toContain(' ✓ after-hours (line 30):  matches (cooldown 12h: it has not answered this sender within that time; without --db no earlier messages are known)\n');
    const answered = await tryShop('--body', 'open?', '--explain');
    expect(answered.stdout).toContain(' ✓ opening-hours (line 6): matches\n');
    expect(answered.stdout).toContain(' · after-hours (line 30):  not tried, an earlier rule answered\n');
  });

  it("reads --at in the rules' time zone; a time with Z is taken as it is", async () => {
    const ny = rulesFile(`version: 1
settings: { timezone: America/New_York }
rules:
  - { name: daytime, when: { hours: "09:00-17:00" }, reply: "Hello from New York" }
`);
    const local = await cli(['try', '--rules', ny, '--at', '2026-12-24T10:00', '--body', 'hi']);
    expect(local.stdout).toContain('Time:     Thu 2026-12-24 10:00 (America/New_York)\n');
    expect(local.stdout).toContain('Rule:     daytime');
    const utc = await cli(['try', '--rules', ny, '--at', '2026-12-24T10:00:00Z', '--body', 'hi', '--explain']);
    expect(utc.stdout).toContain('Time:     Thu 2026-12-24 05:00 (America/New_York)\n');
    expect(utc.stdout).toContain(" ✗ daytime (line 4): it is 05:00, outside the rule's hours (09:00-17:00)\n");
  });

  it('--db remembers the try: a second one within the cooldown shows cooldown', async () => {
    const db = join(dir, 'tries.db');
    const first = await cli(['try', '--rules', shop, '--db', db, '--at', '2026-12-02T20:00', '--body', 'x']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Rule:     after-hours (line 30)');
    expect(first.stdout).toMatch(/Recorded in .*tries\.db as SMtry\d+[0-9a-f]{8}, like a real message/);
    const second = await cli(['try', '--rules', shop, '--db', db, '--at', '2026-12-02T22:00', '--body', 'x', '--explain']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Result:   Nothing is sent: the rule "after-hours" already answered this sender within its cooldown of 12h.\n');
    expect(second.stdout).toContain('Note:     rule "after-hours" already answered this sender at 2026-12-02T19:00:00.000Z\n');
    expect(second.stdout).toContain(' ✓ after-hours (line 30):  matches, but it already answered this sender within its cooldown of 12h\n');
    expect(second.stdout).toContain('LaML:     <?xml version="1.0" encoding="UTF-8"?><Response/>');
    const d = new Database(db, { readonly: true });
    try {
      const rows = d.prepare('SELECT message_sid, outcome, rule FROM messages ORDER BY received_at').all() as { message_sid: string; outcome: string }[];
      expect(rows.map((row) => row.outcome)).toEqual(['replied', 'cooldown']);
      for (const row of rows) expect(row.message_sid).toMatch(/^SMtry/);
    } finally {
      d.close();
    }
  });

  it('--db keeps opt-outs: after STOP the sender gets nothing back', async () => {
    const db = join(dir, 'optout.db');
    const stop = await cli(['try', '--rules', shop, '--db', db, '--at', '2026-12-02T12:00', '--body', 'STOP', '--explain']);
    expect(stop.stdout).toContain('"STOP" is an opt-out word: from now on this sender gets no replies from this number.');
    expect(stop.stdout).toContain('No rule is tried: "STOP" is an opt-out word.');
    const after = await cli(['try', '--rules', shop, '--db', db, '--at', '2026-12-02T12:05', '--body', 'open?']);
    expect(after.stdout).toContain('Rule:     opening-hours (line 6)');
    expect(after.stdout).toContain('This sender has opted out: nothing goes back to them');
    expect(after.stdout).not.toContain('Reply 1');
    const start = await cli(['try', '--rules', shop, '--db', db, '--at', '2026-12-02T12:10', '--body', 'start', '--explain']);
    expect(start.stdout).toContain('"START" brings an opted-out sender back: they get replies again.');
    expect(start.stdout).toContain('No rule is tried: "START" is a start word and this sender had opted out.');
  });

  it('--db refuses a file that is not an autoreply database, and exits 1', async () => {
    const other = join(dir, 'notes.db');
    writeFileSync(other, 'shopping list\n');
    const r = await tryShop('--db', other, '--body', 'x');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`autoreply: Cannot open the database ${other}`);
    expect(r.stdout).toBe('');
  });

  it('without --db writes no file at all', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'autoreply-try-nodb-'));
    try {
      const rules = join(empty, 'rules.yaml');
      writeFileSync(rules, 'version: 1\nsettings: { timezone: UTC }\nrules:\n  - { name: all, cooldown: 1h, reply: hi }\n');
      const server = join(empty, 'data', 'autoreply.db');
      const r = await cli(['try', '--rules', rules, '--body', 'x'], { DATABASE_PATH: server });
      expect(r.code).toBe(0);
      expect(readdirSync(empty)).toEqual(['rules.yaml']);
      expect(existsSync(server)).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("warns when --db is the server's own database", async () => {
    const server = join(dir, 'server-own.db');
    const r = await cli(['try', '--rules', shop, '--db', server, '--body', 'open?'], { DATABASE_PATH: server });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Warning: ${server} is the server's own database. This try is recorded there like a real message`);
  });

  it('--format json gives the same decision for editors', async () => {
    const r = await tryShop('--body', 'czesc', '--format', 'json', '--explain');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      rule: 'polish',
      line: 9,
      outcome: 'replied',
      replies: [{ to: null, body: 'Cześć! Zapraszamy.', sms: { segments: 1, encoding: 'UCS-2', characters: 18, first_non_gsm: 'ś' } }],
      recorded_in: null,
    });
    expect(json.explain[1]).toEqual({ rule: 'polish', line: 9, result: 'matched', reason: 'matches' });
    expect(json.explain[2]).toMatchObject({ rule: 'vip', result: 'not-tried' });
  });

  it('works on the example rules.yaml', async () => {
    const r = await cli(['try', '--rules', 'rules.yaml', '--body', 'What are your hours?', '--explain']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Rule: {5}\S+ \(line \d+\)$/m);
    expect(r.stdout).toContain('LaML:     <?xml');
  });
});

describe('autoreply try exit codes', () => {
  it('prints the problems of a broken rules file with the shared formatter and exits 1', async () => {
    const broken = rulesFile('version: 1\nrules:\n  - name: bad\n    match: { body: "(unclosed" }\n    reply: hi\n');
    const r = await cli(['try', '--rules', broken, '--body', 'x']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:\\d+: error: .* \\[pattern\\]$`, 'm'));
    expect(r.stdout).toContain('   4 |     match: { body: "(unclosed" }');
    expect(r.stdout).toContain('has mistakes, so the server would not load it.');
    expect(r.stdout).not.toContain('LaML');
  });

  it('exits 1 for a rules file that is not there', async () => {
    const r = await cli(['try', '--rules', join(dir, 'missing.yaml'), '--body', 'x']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('missing.yaml:1:1: error: the file does not exist');
  });

  it.each([
    [['--at', 'tomorrow'], '--at "tomorrow" is not a date and time. Write it like 2026-12-24T19:00'],
    [['--at', '2026-13-01T10:00'], '--at "2026-13-01T10:00" is not a date and time'],
    [['--media', 'two'], '--media is how many pictures the message has: a whole number from 0 to 10, not "two".'],
    [['--media', '11'], 'a whole number from 0 to 10, not "11"'],
    [['--format', 'xml'], '--format "xml" is not known. Choose one of: text, json.'],
    [['--from', ''], '--from needs a phone number'],
    [['--colour'], "unknown option '--colour'"],
  ])('exits 2 for %j with a plain message', async (args, message) => {
    const r = await cli(['try', '--rules', shop, '--body', 'x', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  it('says in --help what --db writes', async () => {
    const r = await cli(['try', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--body', '--from', '--to', '--media', '--at', '--rules', '--explain', '--db', '--format']) expect(r.stdout).toContain(flag);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('Without --db nothing is written anywhere.');
  });
});
