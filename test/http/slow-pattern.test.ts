// A message that meets a slow pattern is answered (and recorded) long before the provider gives
// up, and the server keeps answering other messages.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sms, startTestServer, type TestServer } from '../support/server.js';

const rules = `
version: 1
settings:
  reply_limit: off
rules:
  - name: abcd
    match: { body: 'a.*b.*c.*d' }
    reply: "found"
  - name: fallback
    reply: "thanks"
`;

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer(rules);
});
afterAll(() => s.stop());

describe('a slow pattern on a hostile message', () => {
  it('answers with no reply and records an error instead of blocking for a minute', async () => {
    const attack = 'a'.repeat(533) + 'cd' + 'b'.repeat(533) + 'c'.repeat(533);
    const msg = sms({ Body: attack });
    const res = await s.post(msg); // unguarded this takes about a minute: the test's time-out would fail it
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const db = new Database(s.config.databasePath, { readonly: true });
    const row = db.prepare('SELECT outcome, error FROM messages WHERE message_sid = ?').get(msg.MessageSid) as { outcome: string; error: string };
    db.close();
    expect(row.outcome).toBe('error');
    expect(row.error).toContain('the pattern "a.*b.*c.*d" took longer than');

    // Ordinary messages are still answered by the same rules.
    expect(await (await s.post(sms({ Body: 'a b c d' }))).text()).toContain('<Message>found</Message>');
    expect(await (await s.post(sms({ Body: 'hello' }))).text()).toContain('<Message>thanks</Message>');
  });
});
