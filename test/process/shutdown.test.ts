// The real process: `node bin/autoreply.js serve` (run `npm run build` first; `npm test` does).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLaml } from '../support/laml.js';
import { tempDir } from '../support/server.js';

const root = join(import.meta.dirname, '..', '..');
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

interface Proc {
  child: ChildProcess;
  url: string;
  db: string;
  /** Resolves with the first log line whose msg is `msg`. */
  logLine(msg: string): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

async function startProcess(): Promise<Proc> {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  const rules = join(dir, 'rules.yaml');
  writeFileSync(rules, 'version: 1\nrules:\n  - name: echo\n    reply: "got {{Body}}"\n');
  const db = join(dir, 'data', 'autoreply.db');
  const child = spawn(process.execPath, [join(root, 'bin', 'autoreply.js'), 'serve'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', RULES_FILE: rules, DATABASE_PATH: db, LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  cleanup.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return exited;
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve: (l: Record<string, unknown>) => void }[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const p of parts) {
      const line = JSON.parse(p);
      lines.push(line);
      for (const w of waiters.filter((w) => w.msg === line.msg)) w.resolve(line);
    }
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const logLine = (msg: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = lines.find((l) => l.msg === msg);
      if (seen) return resolve(seen);
      waiters.push({ msg, resolve });
      void exited.then(() => setImmediate(() => reject(new Error(`the process ended before logging "${msg}"; stderr: ${stderr}`))));
    });
  const listening = await logLine('listening');
  const url = new URL(listening.url as string).origin;
  return { child, url, db, logLine, exited };
}

/** A webhook request whose headers are sent and acknowledged (100 Continue) but whose body is still missing. */
async function requestInFlight(url: string, body: string): Promise<{ socket: Socket; finish(): void; response: Promise<string> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = '';
  const response = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  await new Promise<void>((resolve) => {
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (received.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        received = received.slice('HTTP/1.1 100 Continue\r\n\r\n'.length);
        resolve();
      }
    });
    socket.write(
      `POST /webhooks/sms HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
  });
  return { socket, finish: () => socket.write(body), response };
}

describe('shutting down the real process', () => {
  it('on SIGTERM stops accepting, answers and records the request in flight, closes the database, exits 0', async () => {
    const p = await startProcess();
    const body = new URLSearchParams({ From: '+15550001111', To: '+15550002222', Body: 'slow one', MessageSid: 'SMinflight1' }).toString();
    const inflight = await requestInFlight(p.url, body);

    p.child.kill('SIGTERM');
    await p.logLine('shutting down');
    // New connections are refused while the request in flight is still being served.
    await expect(fetch(`${p.url}/healthz`)).rejects.toThrow();

    inflight.finish();
    const raw = await inflight.response;
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const xml = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    expect(parseLaml(xml)).toEqual(parseLaml('<?xml version="1.0" encoding="UTF-8"?><Response><Message>got slow one</Message></Response>'));

    expect(await p.exited).toEqual({ code: 0, signal: null });
    await p.logLine('stopped');
    const wal = `${p.db}-wal`;
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true); // checkpointed
    const db = new Database(p.db, { readonly: true });
    try {
      expect(db.prepare('SELECT outcome, rule FROM messages WHERE message_sid = ?').get('SMinflight1')).toEqual({ outcome: 'replied', rule: 'echo' });
    } finally {
      db.close();
    }
  });

  it('exits at once on a second signal', async () => {
    const p = await startProcess();
    const inflight = await requestInFlight(p.url, 'From=%2B1&To=%2B2&Body=x&MessageSid=SMnever');
    cleanup.push(() => inflight.socket.destroy());
    p.child.kill('SIGTERM');
    await p.logLine('shutting down');
    p.child.kill('SIGINT');
    const { code } = await p.exited;
    expect(code).not.toBe(0);
    expect(code).not.toBe(null);
  });
});
