import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { version } from '../../src/version.js';
import { parsePrometheus, sample } from '../support/prometheus.js';
import { sms, startTestServer, type TestServer } from '../support/server.js';

const rules = `
version: 1
settings:
  reply_limit: off
rules:
  - name: quiet
    match: { keyword: QUIET }
    reply: null
  - name: hi
    match: { body: hi }
    reply: "hello"
`;

describe('without ADMIN_TOKEN', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(rules);
  });
  afterAll(() => s.stop());

  it('GET /healthz answers ok', async () => {
    const res = await fetch(`${s.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok\n');
  });

  it('GET /metrics counts messages, duplicates, durations and rules loads in Prometheus text format', async () => {
    const first = sms({ Body: 'hi there' });
    for (const m of [first, sms({ Body: 'hi again' }), sms({ Body: 'QUIET' }), sms({ Body: 'zzz' }), first]) {
      expect((await s.post(m)).status).toBe(200);
    }
    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const e = parsePrometheus(await res.text());
    expect(sample(e, 'autoreply_messages_total', { outcome: 'replied', rule: 'hi' })).toBe(2);
    expect(sample(e, 'autoreply_messages_total', { outcome: 'silent', rule: 'quiet' })).toBe(1);
    expect(sample(e, 'autoreply_messages_total', { outcome: 'no_match', rule: '' })).toBe(1);
    expect(sample(e, 'autoreply_duplicates_total')).toBe(1);
    expect(e.types.autoreply_request_duration_seconds).toBe('histogram');
    expect(sample(e, 'autoreply_request_duration_seconds_count')).toBe(5);
    expect(sample(e, 'autoreply_request_duration_seconds_bucket', { le: '+Inf' })).toBe(5);
    expect(sample(e, 'autoreply_rules_reloads_total', { result: 'ok' })).toBe(1);
    expect(sample(e, 'autoreply_rules_reloads_total', { result: 'refused' })).toBe(0);
    expect(sample(e, 'autoreply_rules_last_reload_success')).toBe(1);
    expect(sample(e, 'autoreply_rules_loaded_timestamp_seconds')).toBe(s.rules.loadedAt.getTime() / 1000);
    expect(e.types.process_cpu_user_seconds_total).toBe('counter');
    expect(e.samples.some((x) => x.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('GET /status and /metrics report a refused save, and the previous rules keep answering', async () => {
    const before = s.rules.current.version;
    writeFileSync(s.rulesPath, `${rules}  - name: hi\n    reply: dup\n`);
    await s.rules.reload();
    const status = await (await fetch(`${s.url}/status`)).json();
    expect(status).toMatchObject({
      service: 'autoreply',
      version,
      rules: { version: before, rule_count: 2, file: s.rulesPath, loaded_at: s.rules.loadedAt.toISOString() },
      last_reload: { ok: false, at: s.clock.now.toISOString() },
      database: { path: s.config.databasePath },
    });
    expect(status.last_reload.problems).toHaveLength(1);
    expect(status.last_reload.problems[0]).toMatch(/rules\.yaml:\d+:\d+: error: .*hi/);
    expect(status.uptime_seconds).toBeGreaterThanOrEqual(0);
    expect(typeof status.database.messages).toBe('number');
    const e = parsePrometheus(await (await fetch(`${s.url}/metrics`)).text());
    expect(sample(e, 'autoreply_rules_reloads_total', { result: 'refused' })).toBe(1);
    expect(sample(e, 'autoreply_rules_last_reload_success')).toBe(0);
    writeFileSync(s.rulesPath, rules); // back to the loaded text: nothing to reload
  });
});

describe('GET /status database count', () => {
  it('counts the recorded messages', async () => {
    const s = await startTestServer(rules);
    try {
      await s.post(sms());
      await s.post(sms());
      const status = await (await fetch(`${s.url}/status`)).json();
      expect(status.database.messages).toBe(2);
    } finally {
      await s.stop();
    }
  });
});

describe('with ADMIN_TOKEN', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(rules, { ADMIN_TOKEN: 's3cret-token' });
  });
  afterAll(() => s.stop());

  it.each(['/status', '/metrics'])('%s needs the bearer token', async (path) => {
    for (const auth of [undefined, 'Bearer wrong', 'Bearer s3cret-toke', 's3cret-token', 'Basic czNjcmV0LXRva2Vu']) {
      const res = await fetch(`${s.url}${path}`, { headers: auth ? { authorization: auth } : {} });
      expect(res.status, String(auth)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="autoreply"');
      expect(await res.text()).not.toContain('s3cret');
    }
    const ok = await fetch(`${s.url}${path}`, { headers: { authorization: 'Bearer s3cret-token' } });
    expect(ok.status).toBe(200);
  });

  it('/healthz stays open', async () => {
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });
});

describe('GET /healthz when messages cannot be stored', () => {
  let s: TestServer;
  let blocker: Database.Database | undefined;
  beforeAll(async () => {
    s = await startTestServer(rules);
    s.store.db.pragma('busy_timeout = 50');
  });
  afterEach(() => {
    if (blocker?.inTransaction) blocker.exec('ROLLBACK');
    blocker?.close();
    blocker = undefined;
  });
  afterAll(() => s.stop());

  it('answers 503 while another writer holds the database, and ok again after the next stored message', async () => {
    blocker = new Database(s.config.databasePath);
    blocker.exec('BEGIN IMMEDIATE');
    const res = await s.post(sms());
    expect(res.status).toBe(503);
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.text()).toBe('database not writable\n');
    blocker.exec('ROLLBACK');
    expect((await s.post(sms())).status).toBe(200);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it('answers 503 "database not writable" while it cannot get the write lock', async () => {
    blocker = new Database(s.config.databasePath);
    blocker.exec('BEGIN IMMEDIATE');
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.text()).toBe('database not writable\n');
    blocker.exec('ROLLBACK');
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });
});
