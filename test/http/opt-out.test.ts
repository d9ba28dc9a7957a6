// Opt-out (STOP/START) and the loop guard (reply_limit), end to end through HTTP and SQLite.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLaml } from '../support/laml.js';
import { sms } from '../support/server.js';
import { startTrustServer, type TrustServer } from '../support/trust-server.js';

const staff = '+491700000000';
const rules = (settings: string) => `
version: 1
settings:
${settings}
rules:
  - name: help
    match: { keyword: HELP }
    reply:
      - body: "How can we help?"
      - to: "${staff}"
        body: "fwd {{From}}: {{Body}}"
  - name: call
    match: { keyword: CALL }
    reply:
      - to: "${staff}"
        body: "call {{From}}"
  - name: sneaky
    match: { keyword: SNEAKY }
    reply:
      - to: "{{From}}"
        body: "a reply dressed as a forward"
  - name: fallback
    reply: "Thanks: {{Body}}"
`;

const optOutRules = rules(`
  reply_limit: off
  opt_out:
    stop_reply: "You will get no more messages. Text START to undo."
    start_reply: "Welcome back, {{From}}."
`);

let n = 0;
/** A pair of numbers no other test uses. */
function pair() {
  n++;
  return { From: `+1555000${String(n).padStart(4, '0')}`, To: '+15559990000' };
}

async function send(s: TrustServer, fields: Record<string, string>) {
  const msg = sms(fields);
  const res = await s.post(msg);
  expect(res.status).toBe(200);
  const xml = await res.text();
  const [row] = s.query<{ outcome: string; rule: string | null }>('SELECT outcome, rule FROM messages WHERE message_sid = ?', msg.MessageSid);
  return { xml, messages: parseLaml(xml), outcome: row.outcome, rule: row.rule, sid: msg.MessageSid as string };
}

describe('opt-out', () => {
  let s: TrustServer;
  beforeAll(async () => {
    s = await startTrustServer(optOutRules);
  });
  afterAll(() => s.stop());

  it.each(['STOP', ' stop ', 'Stop!', 'unsubscribe.', 'STOPALL', 'cancel', 'End', 'quit', 'REVOKE', 'optout'])(
    'records an opt-out for %j and confirms once',
    async (word) => {
      const p = pair();
      const first = await send(s, { ...p, Body: word });
      expect(first).toMatchObject({ outcome: 'opted_out', rule: null });
      expect(first.messages).toEqual([{ body: 'You will get no more messages. Text START to undo.', media: [] }]);
      const rows = s.query('SELECT from_number, to_number, opted_out_at, keyword FROM opt_outs WHERE from_number = ?', p.From);
      expect(rows).toEqual([{ from_number: p.From, to_number: p.To, opted_out_at: '2026-12-02T10:00:00.000Z', keyword: word.trim().replace(/[!.]$/, '').toUpperCase() }]);
    },
  );

  it('does not treat a stop word inside a longer message as an opt-out', async () => {
    const p = pair();
    expect(await send(s, { ...p, Body: 'please stop' })).toMatchObject({ outcome: 'replied', rule: 'fallback' });
    expect(s.query('SELECT * FROM opt_outs WHERE from_number = ?', p.From)).toEqual([]);
  });

  it('stops every reply to that pair, keeps forwards to staff, and leaves other pairs alone', async () => {
    const p = pair();
    await send(s, { ...p, Body: 'STOP' });

    const plain = await send(s, { ...p, Body: 'hello?' });
    expect(plain).toMatchObject({ outcome: 'opted_out', rule: 'fallback', messages: [] });
    expect(plain.xml).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');

    const help = await send(s, { ...p, Body: 'HELP me' });
    expect(help).toMatchObject({ outcome: 'opted_out', rule: 'help' });
    expect(help.messages).toEqual([{ to: staff, body: `fwd ${p.From}: HELP me`, media: [] }]);
    expect(s.query('SELECT to_number FROM replies WHERE message_sid = ?', help.sid)).toEqual([{ to_number: staff }]);

    const forwardOnly = await send(s, { ...p, Body: 'call me' });
    expect(forwardOnly.messages).toEqual([{ to: staff, body: `call ${p.From}`, media: [] }]);

    // A reply addressed to the sender's own number is a reply, not a forward.
    expect(await send(s, { ...p, Body: 'sneaky' })).toMatchObject({ outcome: 'opted_out', rule: 'sneaky', messages: [] });

    // The same sender to another of our numbers, and another sender to this number: unaffected.
    expect(await send(s, { From: p.From, To: '+15558880000', Body: 'hi' })).toMatchObject({ outcome: 'replied' });
    expect(await send(s, { ...pair(), Body: 'hi' })).toMatchObject({ outcome: 'replied' });
  });

  it('sends stop_reply only once, and keeps the first opt-out time', async () => {
    const p = pair();
    await send(s, { ...p, Body: 'STOP' });
    s.clock.set('2026-12-02T11:00:00Z');
    try {
      const again = await send(s, { ...p, Body: 'quit' });
      expect(again).toMatchObject({ outcome: 'opted_out', messages: [] });
      expect(s.query('SELECT opted_out_at, keyword FROM opt_outs WHERE from_number = ?', p.From)).toEqual([{ opted_out_at: '2026-12-02T10:00:00.000Z', keyword: 'STOP' }]);
    } finally {
      s.clock.set('2026-12-02T10:00:00Z');
    }
  });

  it('a start word opts back in: start_reply once, then rules answer again', async () => {
    const p = pair();
    await send(s, { ...p, Body: 'STOP' });
    const back = await send(s, { ...p, Body: 'Start.' });
    expect(back).toMatchObject({ outcome: 'opted_in', rule: null });
    expect(back.messages).toEqual([{ body: `Welcome back, ${p.From}.`, media: [] }]);
    expect(s.query('SELECT * FROM opt_outs WHERE from_number = ?', p.From)).toEqual([]);
    expect(await send(s, { ...p, Body: 'hello' })).toMatchObject({ outcome: 'replied', messages: [{ body: 'Thanks: hello', media: [] }] });
    // Not opted out any more: START is an ordinary message for the rules now.
    expect(await send(s, { ...p, Body: 'START' })).toMatchObject({ outcome: 'replied', rule: 'fallback' });
  });

});

describe('opt-out settings', () => {
  it('enabled: false turns stop words into ordinary messages', async () => {
    const s = await startTrustServer(rules('  reply_limit: off\n  opt_out: { enabled: false }'));
    try {
      const p = pair();
      expect(await send(s, { ...p, Body: 'STOP' })).toMatchObject({ outcome: 'replied', rule: 'fallback', messages: [{ body: 'Thanks: STOP', media: [] }] });
      expect(await send(s, { ...p, Body: 'hello' })).toMatchObject({ outcome: 'replied' });
      expect(s.query('SELECT * FROM opt_outs')).toEqual([]);
    } finally {
      await s.stop();
    }
  });

  it('custom stop_words and start_words replace the defaults; no confirmation by default', async () => {
    const s = await startTrustServer(rules('  reply_limit: off\n  opt_out: { stop_words: [HALT], start_words: [RESUME] }'));
    try {
      const p = pair();
      expect(await send(s, { ...p, Body: 'STOP' })).toMatchObject({ outcome: 'replied' });
      expect(await send(s, { ...p, Body: 'halt' })).toMatchObject({ outcome: 'opted_out', messages: [] });
      expect(await send(s, { ...p, Body: 'START' })).toMatchObject({ outcome: 'opted_out', messages: [] });
      expect(await send(s, { ...p, Body: 'resume' })).toMatchObject({ outcome: 'opted_in', messages: [] });
    } finally {
      await s.stop();
    }
  });

  it('records the opt-out even when stop_reply cannot be written', async () => {
    const s = await startTrustServer(rules('  reply_limit: off\n  opt_out: { stop_reply: "{{#each}}x{{/each}}" }'));
    try {
      const p = pair();
      const r = await send(s, { ...p, Body: 'STOP' });
      expect(r).toMatchObject({ outcome: 'opted_out', messages: [] });
      expect(s.query('SELECT keyword FROM opt_outs WHERE from_number = ?', p.From)).toEqual([{ keyword: 'STOP' }]);
      expect(s.query<{ error: string }>('SELECT error FROM messages WHERE message_sid = ?', r.sid)[0].error).toMatch(/confirmation/);
    } finally {
      await s.stop();
    }
  });
});

describe('loop guard (reply_limit)', () => {
  const at = (minutes: number) => new Date(Date.parse('2026-12-02T10:00:00Z') + minutes * 60_000);

  it('answers the 6th message within 10 minutes with <Response/> and outcome rate_limited', async () => {
    const s = await startTrustServer(rules('  timezone: UTC'));
    try {
      const p = pair();
      for (let i = 0; i < 5; i++) {
        s.clock.set(at(i));
        expect(await send(s, { ...p, Body: `m${i}` })).toMatchObject({ outcome: 'replied' });
      }
      s.clock.set(at(9.9));
      const sixth = await send(s, { ...p, Body: 'm5' });
      expect(sixth).toMatchObject({ outcome: 'rate_limited', rule: 'fallback', messages: [] });
      expect(sixth.xml).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      expect(s.query('SELECT * FROM replies WHERE message_sid = ?', sixth.sid)).toEqual([]);
      // Another pair is not limited.
      expect(await send(s, { ...pair(), Body: 'x' })).toMatchObject({ outcome: 'replied' });
      // Forward-only rules are not replies to the pair and are not limited by it ...
      expect(await send(s, { ...p, Body: 'call' })).toMatchObject({ outcome: 'replied', messages: [{ to: staff }] });
      // ... but a reply addressed to the sender's own number is.
      expect(await send(s, { ...p, Body: 'sneaky' })).toMatchObject({ outcome: 'rate_limited', messages: [] });
      // Once the first reply is more than 10 minutes old, one more is allowed.
      s.clock.set(at(10.01));
      expect(await send(s, { ...p, Body: 'later' })).toMatchObject({ outcome: 'replied' });
      expect(await send(s, { ...p, Body: 'later2' })).toMatchObject({ outcome: 'rate_limited' });
    } finally {
      await s.stop();
    }
  });

  it('counts replies addressed to the sender\'s own number', async () => {
    const s = await startTrustServer(rules('  timezone: UTC'));
    try {
      const p = pair();
      for (let i = 0; i < 5; i++) expect(await send(s, { ...p, Body: 'sneaky' })).toMatchObject({ outcome: 'replied' });
      expect(await send(s, { ...p, Body: 'hello' })).toMatchObject({ outcome: 'rate_limited' });
    } finally {
      await s.stop();
    }
  });

  it('keeps counting (and keeps opt-outs) across a restart on the same database', async () => {
    const first = await startTrustServer(rules('  timezone: UTC'));
    const stopped = pair();
    await send(first, { ...stopped, Body: 'STOP' });
    const p = pair();
    for (let i = 0; i < 5; i++) {
      first.clock.set(at(i));
      await send(first, { ...p, Body: `m${i}` });
    }
    await first.close(); // keep the folder
    const second = await startTrustServer(rules('  timezone: UTC'), { dir: first.dir, clockStart: at(6).toISOString() });
    try {
      expect(await send(second, { ...p, Body: 'after restart' })).toMatchObject({ outcome: 'rate_limited' });
      expect(await send(second, { ...stopped, Body: 'hi again' })).toMatchObject({ outcome: 'opted_out', messages: [] });
    } finally {
      await second.close();
      rmSync(first.dir, { recursive: true, force: true });
    }
  });

  it('reply_limit: off never limits', async () => {
    const s = await startTrustServer(rules('  reply_limit: off'));
    try {
      const p = pair();
      for (let i = 0; i < 12; i++) expect(await send(s, { ...p, Body: `m${i}` })).toMatchObject({ outcome: 'replied' });
    } finally {
      await s.stop();
    }
  });

  it('honours a custom limit', async () => {
    const s = await startTrustServer(rules('  reply_limit: { max: 2, per: 1h }'));
    try {
      const p = pair();
      s.clock.set(at(0));
      await send(s, { ...p, Body: 'a' });
      s.clock.set(at(30));
      await send(s, { ...p, Body: 'b' });
      s.clock.set(at(59));
      expect(await send(s, { ...p, Body: 'c' })).toMatchObject({ outcome: 'rate_limited' });
      s.clock.set(at(61));
      expect(await send(s, { ...p, Body: 'd' })).toMatchObject({ outcome: 'replied' });
    } finally {
      await s.stop();
    }
  });
});
