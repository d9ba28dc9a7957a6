import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { runCli } from '../../src/cli/program.js';
import { ConfigError, resolveConfig } from '../../src/config.js';
import { echoRules, form, nextSid, sms } from '../support/server.js';
import { startTrustServer, type TrustServer } from '../support/trust-server.js';

const token = 'test-token-12345';
const publicUrl = 'https://sms.example.com/webhooks/sms';
const rules = echoRules;

const sign = (url: string, fields: Record<string, string | string[]> | null) =>
  twilio.getExpectedTwilioSignature(token, url, (fields ?? null) as Record<string, string>);

function rowCount(s: TrustServer, sid: string): number {
  return s.query<{ n: number }>('SELECT count(*) AS n FROM messages WHERE message_sid = ?', sid)[0].n;
}

describe('signed webhooks with PUBLIC_URL', () => {
  let s: TrustServer;
  beforeAll(async () => {
    s = await startTrustServer(rules, { env: { AUTH_TOKEN: token, PUBLIC_URL: publicUrl } });
  });
  afterAll(() => s.stop());

  it('answers a correctly signed message', async () => {
    const msg = sms({ Body: 'hi' });
    const res = await s.post(msg, { 'x-twilio-signature': sign(publicUrl, msg) });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<Message>got hi</Message>');
    expect(rowCount(s, msg.MessageSid as string)).toBe(1);
  });

  it('accepts X-SignalWire-Signature as well', async () => {
    const msg = sms();
    const res = await s.post(msg, { 'x-signalwire-signature': sign(publicUrl, msg) });
    expect(res.status).toBe(200);
  });

  it.each([
    ['no signature', (_m: Record<string, string | string[]>) => ({})],
    ['a wrong signature', (m: Record<string, string | string[]>) => ({ 'x-twilio-signature': sign(publicUrl, { ...m, Body: 'other' }) })],
    ['a signature made with another key', (m: Record<string, string | string[]>) => ({ 'x-twilio-signature': twilio.getExpectedTwilioSignature('nope', publicUrl, m as Record<string, string>) })],
    ['a signature for another address', (m: Record<string, string | string[]>) => ({ 'x-twilio-signature': sign('https://evil.example.com/webhooks/sms', m) })],
  ])('refuses %s with 403, a log line and no row', async (_name, headers) => {
    const msg = sms();
    const before = s.logs.length;
    const res = await s.post(msg, headers(msg));
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('This request is not signed by the provider, so it was refused.\n');
    expect(rowCount(s, msg.MessageSid as string)).toBe(0);
    const line = s.logs.slice(before).find((l) => l.status === 403);
    expect(line).toMatchObject({ level: 40, path: '/webhooks/sms', signed_url: publicUrl });
  });

  it('accepts the signature of the URL with the default port added', async () => {
    const msg = sms();
    const res = await s.post(msg, { 'x-twilio-signature': sign('https://sms.example.com:443/webhooks/sms', msg) });
    expect(res.status).toBe(200);
  });

  it('signs PUBLIC_URL plus the query string exactly as received, never re-encoded', async () => {
    const query = '?a=%7e&b=x+y&c=%C3%A9';
    const msg = sms();
    const good = await s.post(msg, { 'x-twilio-signature': sign(publicUrl + query, msg) }, `/webhooks/sms${query}`);
    expect(good.status).toBe(200);
    // The same query, decoded and re-encoded the usual way, is a different text: refused.
    const msg2 = sms();
    const normalised = await s.post(msg2, { 'x-twilio-signature': sign(`${publicUrl}?a=~&b=x%20y&c=%C3%A9`, msg2) }, `/webhooks/sms${query}`);
    expect(normalised.status).toBe(403);
  });

  it('covers repeated fields (each distinct value)', async () => {
    const msg = sms({ MediaUrl0: ['https://a.example/1', 'https://a.example/0', 'https://a.example/1'] });
    const res = await s.post(msg, { 'x-twilio-signature': sign(publicUrl, msg) });
    expect(res.status).toBe(200);
  });

  it('checks JSON bodies through bodySHA256 in the URL', async () => {
    const body = JSON.stringify({ From: '+1555', To: '+1666', Body: 'json hi', MessageSid: nextSid() });
    const hash = createHash('sha256').update(body).digest('hex');
    const query = `?bodySHA256=${hash}`;
    const post = (raw: string, signature: string) =>
      fetch(`${s.url}/webhooks/sms${query}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twilio-signature': signature }, body: raw });
    const signature = sign(publicUrl + query, null);
    const ok = await post(body, signature);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('got json hi');
    const tampered = body.replace('json hi', 'json ho').replace(/"MessageSid":"[^"]+"/, `"MessageSid":"${nextSid()}"`);
    expect((await post(tampered, signature)).status).toBe(403);
  });

  it('answers a replayed signed request from the record: no second decision or reply', async () => {
    const msg = sms({ Body: 'once' });
    const headers = { 'x-twilio-signature': sign(publicUrl, msg) };
    const first = await (await s.post(msg, headers)).text();
    expect(first).toContain('<Message>got once</Message>');
    const again = await s.post(msg, headers);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe(first);
    const [row] = s.query<{ deliveries: number }>('SELECT deliveries FROM messages WHERE message_sid = ?', msg.MessageSid);
    expect(row.deliveries).toBe(2);
    expect(s.query('SELECT * FROM replies WHERE message_sid = ?', msg.MessageSid)).toHaveLength(1);
  });

  it('does not warn about unauthenticated webhooks', () => {
    expect(s.logs.some((l) => /AUTH_TOKEN is not set/.test(l.msg))).toBe(false);
  });
});

describe("the official helper libraries' test vectors through the real server", () => {
  // Token 12345; these payloads lack Body and MessageSid, so a valid signature shows as 400
  // (the request got past the signature check) and an invalid one as 403.
  let s: TrustServer;
  beforeAll(async () => {
    s = await startTrustServer(rules, { env: { AUTH_TOKEN: '12345', PUBLIC_URL: 'https://mycompany.com/myapp.php', WEBHOOK_PATH: '/myapp.php' } });
  });
  afterAll(() => s.stop());
  const voice = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };

  it.each([
    ['RSOYDt4T1cUTdK1PDd93/VVr8B8=', voice, 400],
    ['kvajT1Ptam85bY51eRf/AJRuM3w=', voice, 400], // signed with :443
    ['IK+Dwps556ElfBT0I3Rgjkr1wJU=', { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234', '1234'] }, 400],
    ['RSOYDt4T1cUTdK1PDd93/VVr8B8=', { ...voice, Digits: '1235' }, 403],
  ])('%s', async (signature, fields, status) => {
    const res = await s.post(fields, { 'x-twilio-signature': signature }, '/myapp.php?foo=1&bar=2');
    expect(res.status).toBe(status);
  });

  it('JSON: a9nBmqA0ju/hNViExpshrM61xv4=', async () => {
    const query = '?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';
    const send = (body: string) =>
      fetch(`${s.url}/myapp.php${query}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twilio-signature': 'a9nBmqA0ju/hNViExpshrM61xv4=' }, body });
    expect((await send('{"property": "value", "boolean": true}')).status).toBe(400);
    expect((await send('{"property": "value", "boolean": false}')).status).toBe(403);
  });
});

describe('signed webhooks without PUBLIC_URL', () => {
  const viaProxy = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'sms.example.com' };

  it('uses the address the request came to, ignoring X-Forwarded-* unless TRUST_PROXY=true', async () => {
    const s = await startTrustServer(rules, { env: { AUTH_TOKEN: token } });
    try {
      const direct = sms();
      expect((await s.post(direct, { 'x-twilio-signature': sign(`${s.url}/webhooks/sms`, direct) })).status).toBe(200);
      const forged = sms();
      expect((await s.post(forged, { ...viaProxy, 'x-twilio-signature': sign(publicUrl, forged) })).status).toBe(403);
    } finally {
      await s.stop();
    }
  });

  it('believes X-Forwarded-Proto and X-Forwarded-Host with TRUST_PROXY=true', async () => {
    const s = await startTrustServer(rules, { env: { AUTH_TOKEN: token, TRUST_PROXY: 'true' } });
    try {
      const msg = sms();
      expect((await s.post(msg, { ...viaProxy, 'x-twilio-signature': sign(publicUrl, msg) })).status).toBe(200);
    } finally {
      await s.stop();
    }
  });
});

describe('without AUTH_TOKEN', () => {
  it('warns at startup that webhooks are not authenticated, and answers unsigned requests', async () => {
    const s = await startTrustServer(rules);
    try {
      expect(s.logs.find((l) => /AUTH_TOKEN is not set/.test(l.msg))).toMatchObject({ level: 40 });
      expect((await s.post(sms())).status).toBe(200);
    } finally {
      await s.stop();
    }
  });
});

describe('Basic auth', () => {
  let s: TrustServer;
  beforeAll(async () => {
    s = await startTrustServer(rules, { env: { BASIC_AUTH: 'provider:s3cret:with:colons' } });
  });
  afterAll(() => s.stop());
  const basic = (pair: string) => ({ authorization: `Basic ${Buffer.from(pair).toString('base64')}` });

  it.each([
    ['no credentials', {}],
    ['a wrong password', basic('provider:wrong')],
    ['a wrong user', basic('someone:s3cret:with:colons')],
    ['another scheme', { authorization: 'Bearer abc' }],
  ])('answers 401 with WWW-Authenticate for %s, and records nothing', async (_name, headers) => {
    const msg = sms();
    const res = await s.post(msg, headers);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="autoreply", charset="UTF-8"');
    expect(rowCount(s, msg.MessageSid as string)).toBe(0);
  });

  it('answers when the user name and password match', async () => {
    const res = await s.post(sms(), basic('provider:s3cret:with:colons'));
    expect(res.status).toBe(200);
  });

  it('leaves /healthz open for health checks', async () => {
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });
});

describe('configuration', () => {
  it('reads AUTH_TOKEN, PUBLIC_URL, TRUST_PROXY and BASIC_AUTH; flags win', () => {
    const c = resolveConfig(
      { AUTH_TOKEN: 'env', PUBLIC_URL: publicUrl, TRUST_PROXY: 'TRUE', BASIC_AUTH: 'u:p:w' },
      { authToken: 'flag' },
    );
    expect(c).toMatchObject({ authToken: 'flag', publicUrl, trustProxy: true, basicAuth: { user: 'u', password: 'p:w' } });
    expect(resolveConfig({})).toMatchObject({ authToken: undefined, publicUrl: undefined, trustProxy: false, basicAuth: undefined });
  });

  it('offers each setting as a flag of `autoreply serve`', async () => {
    let out = '';
    const code = await runCli(['serve', '--help'], { stdout: (t) => (out += t), stderr: (t) => (out += t), env: {} });
    expect(code).toBe(0);
    for (const flag of ['--auth-token <token>', '--public-url <url>', '--trust-proxy <true|false>', '--basic-auth <user:password>']) expect(out).toContain(flag);
  });

  it.each([
    [{ TRUST_PROXY: 'yes' }, /TRUST_PROXY must be "true" or "false"/],
    [{ BASIC_AUTH: 'nocolon' }, /user:password/],
    [{ BASIC_AUTH: ':p' }, /user:password/],
    [{ PUBLIC_URL: 'sms.example.com/hook' }, /full address/],
    [{ PUBLIC_URL: 'https://sms.example.com/hook?x=1' }, /must not contain "\?"/],
  ])('refuses %o', (env, message) => {
    expect(() => resolveConfig(env)).toThrow(ConfigError);
    expect(() => resolveConfig(env)).toThrow(message);
  });
});

// form() is what the test client sends; make sure the helper encodes repeated fields as repeats.
it('test helper sends repeated fields as repeated pairs', () => {
  expect(form({ a: ['1', '2'] })).toBe('a=1&a=2');
});
