import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { parseLaml } from '../support/laml.js';
import { nextSid, sms, startTestServer, type TestServer } from '../support/server.js';

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
  - name: two
    match: { keyword: TWO }
    reply:
      - body: "first"
      - to: "+491700000000"
        body: "fwd {{From}}"
        media: ["https://example.com/a.png"]
  - name: quiet
    match: { keyword: QUIET }
    reply: null
  - name: broken
    match: { keyword: BROKEN }
    reply: "{{#each}}x{{/each}}"
  - name: long
    match: { keyword: LONG }
    reply: "{{Body}}{{Body}}"
`;

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer(rules);
});
afterAll(() => s.stop());

function row(sid: string) {
  const db = new Database(s.config.databasePath, { readonly: true });
  try {
    return {
      message: db.prepare('SELECT * FROM messages WHERE message_sid = ?').get(sid) as Record<string, unknown> | undefined,
      replies: db.prepare('SELECT * FROM replies WHERE message_sid = ? ORDER BY position').all(sid) as Record<string, unknown>[],
    };
  } finally {
    db.close();
  }
}

describe('POST /webhooks/sms', () => {
  it('replies with the rendered template and records the message', async () => {
    const msg = sms({ Body: 'status 42', NumMedia: '0', AccountSid: 'AC1', FromCountry: 'DE' });
    const res = await s.post(msg);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    const xml = await res.text();
    expect(xml).toBe(`<?xml version="1.0" encoding="UTF-8"?><Response><Message>Order 42 for ${msg.From}</Message></Response>`);
    const { message, replies } = row(msg.MessageSid as string);
    expect(message).toMatchObject({
      from_number: msg.From,
      to_number: msg.To,
      body: 'status 42',
      rule: 'status',
      outcome: 'replied',
      response_xml: xml,
      deliveries: 1,
      num_media: 0,
      rules_version: s.rules.current.version,
    });
    expect(JSON.parse(message!.params as string)).toMatchObject({ AccountSid: 'AC1', FromCountry: 'DE' });
    expect(message!.received_at).toBe('2026-12-02T10:00:00.000Z');
    expect(replies).toEqual([{ message_sid: msg.MessageSid, position: 1, to_number: null, body: `Order 42 for ${msg.From}`, media: '[]' }]);
  });

  it('sends several messages in order, with to= and media for forwards', async () => {
    const msg = sms({ Body: 'two' });
    const xml = await (await s.post(msg)).text();
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>first</Message>' +
        `<Message to="+491700000000"><Body>fwd ${msg.From}</Body><Media>https://example.com/a.png</Media></Message></Response>`,
    );
    expect(row(msg.MessageSid as string).replies.map((r) => [r.to_number, r.media])).toEqual([
      [null, '[]'],
      ['+491700000000', '["https://example.com/a.png"]'],
    ]);
  });

  it('answers an empty <Response/> for no match and for reply: null', async () => {
    for (const [body, outcome, rule] of [
      ['nothing fits', 'no_match', null],
      ['quiet please', 'silent', 'quiet'],
    ]) {
      const msg = sms({ Body: body! });
      const res = await s.post(msg);
      expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      expect(row(msg.MessageSid as string).message).toMatchObject({ outcome, rule });
    }
  });

  it('gives back whatever the sender wrote, byte-exact after XML parsing', async () => {
    const tricky = `echo <b>"quotes" & 'apostrophes'</b> ]]> émoji 🎉 עברית \r\n tab\t end`;
    const msg = sms({ Body: tricky });
    const parsed = parseLaml(await (await s.post(msg)).text());
    expect(parsed).toEqual([{ body: tricky, media: [] }]);
    expect(row(msg.MessageSid as string).message!.body).toBe(tricky);
  });

  it('removes characters XML cannot carry from the reply, but stores the body as received', async () => {
    const body = 'echo a\u0000b\u0007c\uFFFEd\u000Be';
    const msg = sms({ Body: body });
    const xml = await (await s.post(msg)).text();
    expect(parseLaml(xml)).toEqual([{ body: 'echo abcde', media: [] }]);
    expect(row(msg.MessageSid as string).message!.body).toBe(body);
  });

  it('cuts replies longer than 1600 characters to 1600', async () => {
    const msg = sms({ Body: 'long ' + 'x'.repeat(995) });
    const [reply] = parseLaml(await (await s.post(msg)).text());
    expect(Array.from(reply.body)).toHaveLength(1600);
  });

  it('answers 200 with <Response/> and records the error when a template fails while rendering', async () => {
    const msg = sms({ Body: 'broken' });
    const res = await s.post(msg);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const { message } = row(msg.MessageSid as string);
    expect(message).toMatchObject({ outcome: 'error', rule: 'broken' });
    expect(message!.error).toBeTruthy();
  });

  it('accepts JSON with the same field names', async () => {
    const sid = nextSid();
    const res = await fetch(`${s.url}/webhooks/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ From: '+1', To: '+2', Body: 'status 7', MessageSid: sid, NumMedia: 0 }),
    });
    expect(res.status).toBe(200);
    expect(parseLaml(await res.text())).toEqual([{ body: 'Order 7 for +1', media: [] }]);
  });

  it('accepts an empty Body (media only)', async () => {
    const msg = sms({ Body: '', NumMedia: '1', MediaUrl0: 'https://example.com/x.jpg' });
    const res = await s.post(msg);
    expect(res.status).toBe(200);
    expect(row(msg.MessageSid as string).message).toMatchObject({ body: '', num_media: 1, outcome: 'no_match' });
  });
});

describe('duplicates', () => {
  it('answers a repeated MessageSid with the stored response, byte-identical, without deciding again', async () => {
    const msg = sms({ Body: 'status 1' });
    const first = await (await s.post(msg)).text();
    // Change the rules' answer: a re-decision would show.
    const again = await (await s.post({ ...msg, Body: 'status 2' })).text();
    expect(again).toBe(first);
    const { message, replies } = row(msg.MessageSid as string);
    expect(message).toMatchObject({ deliveries: 2, body: 'status 1' });
    expect(replies).toHaveLength(1);
  });

  it('decides concurrent deliveries of one MessageSid exactly once', async () => {
    const msg = sms({ Body: 'status 9' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => s.post(msg).then((r) => r.text())));
    expect(new Set(answers).size).toBe(1);
    const { message, replies } = row(msg.MessageSid as string);
    expect(message!.deliveries).toBe(20);
    expect(replies).toHaveLength(1);
  });
});

describe('bad requests', () => {
  const post = (body: string | Buffer, contentType?: string, method = 'POST', path = '/webhooks/sms') =>
    fetch(`${s.url}${path}`, { method, headers: contentType ? { 'content-type': contentType } : {}, body: method === 'GET' ? undefined : Buffer.from(body) });

  it.each([
    ['missing fields', 'From=%2B1&Body=hi', 'application/x-www-form-urlencoded', 400, /missing required fields: To, MessageSid/],
    ['empty MessageSid', 'From=1&To=2&Body=x&MessageSid=', 'application/x-www-form-urlencoded', 400, /MessageSid/],
    ['wrong content type', 'From=1', 'text/plain', 415, /content type/],
    ['no content type', 'From=1', undefined, 415, /Content-Type/],
    ['odd charset', 'From=1', 'application/x-www-form-urlencoded; charset=latin1', 415, /charset/],
    ['bad percent-encoding', 'From=%ZZ&To=2&Body=x&MessageSid=SMx', 'application/x-www-form-urlencoded', 400, /percent-encoding/],
    ['broken UTF-8 in percent-encoding', 'From=%FF&To=2&Body=x&MessageSid=SMx', 'application/x-www-form-urlencoded', 400, /percent-encoding/],
    ['invalid JSON', '{"From":', 'application/json', 400, /not valid JSON/],
    ['JSON that is not an object', '[1,2]', 'application/json', 400, /must be an object/],
  ])('%s → %i', async (_name, body, type, status, message) => {
    const res = await post(body, type);
    expect(res.status).toBe(status);
    expect(await res.text()).toMatch(message);
  });

  it('refuses bodies over 64 KiB with 413', async () => {
    const res = await post(`Body=${'x'.repeat(70 * 1024)}`, 'application/x-www-form-urlencoded');
    expect(res.status).toBe(413);
  });

  it('answers 405 for other methods on the webhook path and 404 elsewhere', async () => {
    const res = await post('', undefined, 'GET');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('POST');
    expect((await post('x', 'application/json', 'POST', '/nope')).status).toBe(404);
  });

  it('records nothing for refused requests', async () => {
    const sid = nextSid();
    await post(`From=1&To=2&MessageSid=${sid}`, 'application/x-www-form-urlencoded');
    expect(row(sid).message).toBeUndefined();
  });
});
