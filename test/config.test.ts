import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    // Optional settings with no default (AUTH_TOKEN, PUBLIC_URL, BASIC_AUTH) are left out.
    expect(resolveConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      rulesFile: 'rules.yaml',
      databasePath: 'data/autoreply.db',
      webhookPath: '/webhooks/sms',
      logLevel: 'info',
      dbSync: 'normal',
      retentionDays: null,
      adminToken: null,
      logBodies: false,
      logFormat: 'json',
      trustProxy: false,
    });
  });

  it('reads environment variables, and flags win over them', () => {
    const env = { PORT: '8080', HOST: '127.0.0.1', RULES_FILE: '/config/r.yaml', DATABASE_PATH: '/data/x.db', WEBHOOK_PATH: '/sms', LOG_LEVEL: 'WARN' };
    expect(resolveConfig(env)).toMatchObject({ port: 8080, host: '127.0.0.1', rulesFile: '/config/r.yaml', databasePath: '/data/x.db', webhookPath: '/sms', logLevel: 'warn' });
    expect(resolveConfig(env, { port: '9000', rulesFile: 'other.yaml' })).toMatchObject({ port: 9000, rulesFile: 'other.yaml' });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be a number/],
    [{ PORT: '70000' }, /PORT must be a number/],
    [{ WEBHOOK_PATH: 'sms' }, /must start with "\/"/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ DB_SYNC: 'sometimes' }, /DB_SYNC/],
  ])('refuses %j with a clear message', (env, message) => {
    expect(() => resolveConfig(env)).toThrow(message);
  });
});
