import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { memoryHistory, message, rulesFrom } from '../support/rules.js';

const shop = rulesFrom(`
version: 1
settings:
  timezone: Europe/Berlin
  reply_limit: off
rules:
  - name: opening-hours
    match: { body: '\\b(hours|open)\\b' }
    reply: "We're open Mon-Fri 9-17."
  - name: order-status
    match: { body: '^\\s*status\\s+(?<order>\\d+)\\s*$' }
    reply: "Order {{order}} is on its way, {{From}}."
  - name: join
    match: { keyword: [JOIN, START-NEWS] }
    reply: "Welcome! You wrote: {{args}}"
  - name: vip
    match:
      from: ['^\\+4917', '^\\+4915']
      to: '^\\+491098765432$'
    unless: { body: 'unsubscribe' }
    reply:
      - body: "Hi! A person will call you."
      - to: "+491700000000"
        body: "VIP {{From}} wrote: {{Body}}"
  - name: photo
    match: { media: true }
    reply: "Thanks for the picture!"
  - name: exact
    case_sensitive: true
    match: { body: '^ABC$' }
    reply: "exact"
  - name: after-hours
    when: { days: [mon, tue, wed, thu, fri], hours: "18:00-08:00" }
    cooldown: 12h
    reply: "We're closed."
  - name: quiet
    match: { keyword: [QUIET] }
    reply: null
`);

const decide = (overrides: Parameters<typeof message>[0], history = memoryHistory()) => evaluate(shop, message(overrides), history).decision;

describe('matching', () => {
  it.each([
    ['What are your HOURS?', 'opening-hours'],
    ['are you open', 'opening-hours'],
    ['reopening soon?', null], // \b keeps "open" from matching inside a word
    ['  status 42 ', 'order-status'],
    ['join', 'join'],
    ['Join! Anna', 'join'],
    ['start-news please', 'join'],
    ['joining', null],
    ['abc', null], // case_sensitive rule
    ['ABC', 'exact'],
    ['quiet', 'quiet'],
  ])('%j → %s', (body, rule) => {
    expect(decide({ body }).rule).toBe(rule);
  });

  it('fills named groups, posted fields and args into the template', () => {
    expect(decide({ body: 'status 42', from: '+4930111' }).messages).toEqual([{ to: null, body: 'Order 42 is on its way, +4930111.', media: [] }]);
    expect(decide({ body: 'JOIN  Anna  Smith ' }).messages[0].body).toBe('Welcome! You wrote: Anna  Smith');
  });

  it('gives templates every posted field by its own name, whatever the name, and named groups win over fields', () => {
    const rs = rulesFrom(`
version: 1
settings: { reply_limit: off }
rules:
  - name: echo
    match: { body: '^(?<Body>\\w+) (?<extra>\\w+)' }
    reply: "{{constructor}}|{{toString}}|{{hasOwnProperty}}|{{Body}}|{{extra}}|{{args}}|{{rule}}"
`);
    // The webhook stores fields in an object without a prototype, so any name is a field.
    const params: Record<string, string> = Object.create(null);
    Object.assign(params, { From: '+4930111', To: '+4930222', Body: 'hello world', constructor: 'c', toString: 't', hasOwnProperty: 'h' });
    Object.defineProperty(params, '__proto__', { value: 'p', enumerable: true });
    const msg = { ...message({ body: 'hello world' }), params };
    const { decision } = evaluate(rs, msg, memoryHistory());
    expect(decision.messages[0].body).toBe('c|t|h|hello|world|world|echo');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('needs every field of match (AND), any pattern of a list (OR), and skips the rule when unless matches', () => {
    const vip = { from: '+4915123', to: '+491098765432', body: 'hello there' };
    const d = decide(vip);
    expect(d.rule).toBe('vip');
    expect(d.messages.map((m) => m.to)).toEqual([null, '+491700000000']);
    expect(d.messages[1].body).toBe('VIP +4915123 wrote: hello there');
    expect(decide({ ...vip, from: '+4930123' }).rule).toBeNull();
    expect(decide({ ...vip, to: '+491098765433' }).rule).toBeNull();
    expect(decide({ ...vip, body: 'please UNSUBSCRIBE me' }).rule).toBeNull();
  });

  it('matches media: true only when NumMedia > 0', () => {
    expect(decide({ body: '', numMedia: 2 }).rule).toBe('photo');
    expect(decide({ body: '', numMedia: 0 }).rule).toBeNull();
  });

  it('outcomes: silent for reply null, no_match when nothing fits', () => {
    expect(decide({ body: 'quiet' })).toMatchObject({ outcome: 'silent', messages: [] });
    expect(decide({ body: 'xyz' })).toMatchObject({ outcome: 'no_match', rule: null, messages: [] });
  });
});

describe('time windows and cooldown', () => {
  // 2026-12-02 is a Wednesday; Europe/Berlin is UTC+1 in December.
  it.each([
    ['2026-12-02T16:59:00Z', null], // 17:59 in Berlin: before the window
    ['2026-12-02T17:00:00Z', 'after-hours'], // 18:00: the start is included
    ['2026-12-02T22:59:00Z', 'after-hours'], // 23:59
    ['2026-12-02T23:00:00Z', 'after-hours'], // 00:00 Thursday: wraps past midnight
    ['2026-12-02T06:59:00Z', 'after-hours'], // 07:59
    ['2026-12-02T07:00:00Z', null], // 08:00: the end is excluded
    ['2026-12-05T20:00:00Z', null], // Saturday
  ])('at %s → %s', (at, rule) => {
    expect(decide({ body: 'xyz', receivedAt: new Date(at) }).rule).toBe(rule);
  });

  it('answers a sender at most once per cooldown, then stays silent', () => {
    const history = memoryHistory();
    const first = new Date('2026-12-02T20:00:00Z');
    expect(decide({ body: 'xyz', receivedAt: first }, history).outcome).toBe('replied');
    history.replied('after-hours', '+15550001111', '+15550002222', first);
    expect(decide({ body: 'xyz', receivedAt: new Date('2026-12-03T05:00:00Z') }, history)).toMatchObject({ outcome: 'cooldown', rule: 'after-hours', messages: [] });
    expect(decide({ body: 'xyz', receivedAt: new Date('2026-12-03T05:00:00Z'), from: '+1999' }, history).outcome).toBe('replied');
    // The next evening (Thursday 21:00 in Berlin, more than 12 hours later) it answers again.
    expect(decide({ body: 'xyz', receivedAt: new Date('2026-12-03T20:00:00Z') }, history).outcome).toBe('replied');
  });
});

describe('the keyword index', () => {
  it('gives the same answer as trying every rule in order', () => {
    const bodies = ['join x', 'JOIN', 'quiet', 'status 1', 'hours?', 'start-news', 'abc', 'ABC', '', 'Quiet!', 'join hours'];
    for (const body of bodies) {
      const fast = evaluate(shop, message({ body }), memoryHistory()).decision;
      const slow = evaluate(shop, message({ body }), memoryHistory(), { explain: true }).decision;
      expect(fast, body).toEqual(slow);
    }
  });

  it('keeps file order between keyword rules and others', () => {
    const rs = rulesFrom(`
version: 1
rules:
  - { name: any-hours, match: { body: hours }, reply: a }
  - { name: kw, match: { keyword: HOURS }, reply: b }
`);
    expect(evaluate(rs, message({ body: 'hours please' }), memoryHistory()).decision.rule).toBe('any-hours');
  });
});
