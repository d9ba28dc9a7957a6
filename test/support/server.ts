// Test helpers: a real app on 127.0.0.1 with a real SQLite file and rules file in a temp folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { resolveConfig, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';

/** One rule that echoes the text back, with the loop guard off so tests may post many times. */
export const echoRules = `
version: 1
settings:
  reply_limit: off
rules:
  - name: echo
    reply: "got {{Body}}"
`;

export function tempDir(prefix = 'autoreply-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestServer extends RunningServer {
  dir: string;
  config: Config;
  rulesPath: string;
  /** The clock the server reads; tests move it with `clock.set(...)`. */
  clock: { now: Date; set(iso: string | Date): void };
  post(fields: Record<string, string | string[]>, init?: { headers?: Record<string, string>; path?: string }): Promise<Response>;
  stop(): Promise<void>;
}

export function form(fields: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
}

let sidCounter = 0;
/** A MessageSid unique within this test run. */
export function nextSid(): string {
  return `SM${process.pid}x${Date.now().toString(36)}x${++sidCounter}`;
}

export async function startTestServer(rulesYaml: string, env: Record<string, string> = {}, clockStart = '2026-12-02T10:00:00Z'): Promise<TestServer> {
  const { dir, remove } = tempDir();
  const rulesPath = join(dir, 'rules.yaml');
  writeFileSync(rulesPath, rulesYaml);
  const config = resolveConfig({ PORT: '0', HOST: '127.0.0.1', RULES_FILE: rulesPath, DATABASE_PATH: join(dir, 'data', 'autoreply.db'), ...env });
  const clock = {
    now: new Date(clockStart),
    set(iso: string | Date) {
      this.now = new Date(iso);
    },
  };
  const running = await startServer(config, { logger: pino({ level: 'silent' }), clock: () => clock.now, watchPollMs: 50 });
  return {
    ...running,
    dir,
    config,
    rulesPath,
    clock,
    post: (fields, init = {}) =>
      fetch(`${running.url}${init.path ?? config.webhookPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...init.headers },
        body: form(fields),
      }),
    stop: async () => {
      await running.close();
      remove();
    },
  };
}

/** A minimal valid message; override any field. */
export function sms(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return { From: '+15550001111', To: '+15550002222', Body: 'hello', MessageSid: nextSid(), ...overrides };
}
