import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startServer, type RunningServer } from '../src/server.js';
import { form, sms, tempDir } from './support/server.js';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { buildOnce, repoRoot } from './support/build.js';

function capture() {
  const lines: string[] = [];
  let partial = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      partial += chunk.toString();
      const parts = partial.split('\n');
      partial = parts.pop()!;
      lines.push(...parts);
      cb();
    },
  });
  return { lines, stream };
}

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function serverWithLog(env: Record<string, string>) {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  const rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, 'version: 1\nrules:\n  - name: echo\n    reply: "you said {{Body}}"\n');
  const config = resolveConfig({ PORT: '0', HOST: '127.0.0.1', RULES_FILE: rulesFile, DATABASE_PATH: join(dir, 'a.db'), ...env });
  const log = capture();
  const running: RunningServer = await startServer(config, { logger: createLogger('info', log.stream) });
  cleanup.push(() => running.close());
  const post = (fields: Record<string, string | string[]>) =>
    fetch(`${running.url}${config.webhookPath}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(fields) });
  return { log, post };
}

describe('the log', () => {
  it('has one line per webhook with sid, rule, outcome and duration, without the texts', async () => {
    const { log, post } = await serverWithLog({});
    const msg = sms({ Body: 'my secret address' });
    await post(msg);
    const line = log.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'message answered');
    expect(line).toMatchObject({ level: 30, message_sid: msg.MessageSid, rule: 'echo', outcome: 'replied', service: 'autoreply' });
    expect(typeof line.duration_ms).toBe('number');
    expect(log.lines.join('\n')).not.toContain('secret');
    const loaded = log.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'rules loaded');
    expect(loaded.rules_version).toMatch(/^[0-9a-f]{12}$/);
  });

  it('includes the message and reply texts with LOG_BODIES=true', async () => {
    const { log, post } = await serverWithLog({ LOG_BODIES: 'true' });
    await post(sms({ Body: 'my secret address' }));
    const line = log.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'message answered');
    expect(line.Body).toBe('my secret address');
    expect(line.replies_text).toEqual(['you said my secret address']);
  });

  it('leaves stack traces out at info and keeps them at debug', () => {
    for (const [level, withStack] of [
      ['info', false],
      ['debug', true],
    ] as const) {
      const log = capture();
      createLogger(level, log.stream).error({ err: new TypeError('boom') }, 'failed');
      const line = JSON.parse(log.lines[0]);
      expect(line.err.message).toBe('boom');
      expect(line.err.type).toBe('TypeError');
      expect('stack' in line.err).toBe(withStack);
    }
  });

  it('writes lines for people with LOG_FORMAT=pretty', () => {
    const log = capture();
    createLogger('info', log.stream, { format: 'pretty' }).info({ message_sid: 'SM1' }, 'message answered');
    expect(log.lines[0]).toMatch(/INFO.*message answered/);
    expect(() => JSON.parse(log.lines[0])).toThrow();
    expect(log.lines.join('\n')).toContain('message_sid: "SM1"');
  });
});

describe('the log on stdout', () => {
  // Lines are written in batches (src/logger.ts); these run the built logger in its own process.
  const runLogger = (script: string) => {
    buildOnce();
    const url = pathToFileURL(join(repoRoot, 'dist', 'logger.js')).href;
    return spawnSync(process.execPath, ['--input-type=module', '-e', `import { createLogger } from ${JSON.stringify(url)};\n${script}`], { encoding: 'utf8' });
  };

  it('writes the lines still gathered in the batch when the process crashes', () => {
    const run = runLogger("const log = createLogger('info'); log.info({ message_sid: 'SM1' }, 'message answered'); setTimeout(() => { throw new Error('boom'); }, 5);");
    expect(run.status).not.toBe(0);
    expect(run.stdout.trim().split('\n').map((l) => JSON.parse(l).message_sid)).toEqual(['SM1']);
  });

  it('writes every line of a burst, in order, when the process exits', () => {
    const run = runLogger("const log = createLogger('info'); for (let i = 0; i < 100; i++) log.info({ n: i }, 'line'); process.exit(0);");
    expect(run.stdout.trim().split('\n').map((l) => JSON.parse(l).n)).toEqual([...Array(100).keys()]);
  });
});

describe('configuration for operations', () => {
  it('reads RETENTION_DAYS, ADMIN_TOKEN, LOG_BODIES and LOG_FORMAT, flags first', () => {
    expect(resolveConfig({})).toMatchObject({ retentionDays: null, adminToken: null, logBodies: false, logFormat: 'json' });
    expect(resolveConfig({ RETENTION_DAYS: '90', ADMIN_TOKEN: 't', LOG_BODIES: 'TRUE', LOG_FORMAT: 'Pretty' })).toMatchObject({
      retentionDays: 90,
      adminToken: 't',
      logBodies: true,
      logFormat: 'pretty',
    });
    expect(resolveConfig({ RETENTION_DAYS: '90' }, { retentionDays: '7' }).retentionDays).toBe(7);
  });

  it.each([
    [{ RETENTION_DAYS: '0' }, 'RETENTION_DAYS must be a whole number of days'],
    [{ RETENTION_DAYS: '90d' }, 'RETENTION_DAYS must be a whole number of days'],
    [{ LOG_BODIES: 'yes' }, 'LOG_BODIES must be "true" or "false"'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT must be "json" or "pretty"'],
  ])('refuses %j', (env, message) => {
    expect(() => resolveConfig(env)).toThrow(message);
  });
});
