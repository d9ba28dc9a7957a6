import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { tempDir } from './support/server.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('RunningServer.close', () => {
  it('waits a bounded time for a request that never finishes, then closes the database', async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    writeFileSync(join(dir, 'rules.yaml'), 'version: 1\nrules:\n  - name: a\n    reply: "A"\n');
    const config = resolveConfig({ PORT: '0', HOST: '127.0.0.1', RULES_FILE: join(dir, 'rules.yaml'), DATABASE_PATH: join(dir, 'a.db') });
    const running = await startServer(config, { logger: pino({ level: 'silent' }), shutdownGraceMs: 200 });
    const { port } = new URL(running.url);
    const socket = connect(Number(port), '127.0.0.1');
    cleanup.push(() => socket.destroy());
    const closed = new Promise((resolve) => socket.on('close', resolve));
    await new Promise<void>((resolve) => {
      socket.on('data', (d) => d.toString().startsWith('HTTP/1.1 100') && resolve());
      socket.write(`POST /webhooks/sms HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n`);
    });
    await running.close();
    await closed;
    expect(running.store.db.open).toBe(false);
  });
});
