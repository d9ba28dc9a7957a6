// Test helpers for the trust tests: a real server like startTestServer, plus the log lines it
// wrote, shorter timeouts, and database reads.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { resolveConfig, type Config } from '../../src/config.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server.js';
import { form, tempDir } from './server.js';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface TrustServer extends RunningServer {
  dir: string;
  config: Config;
  rulesPath: string;
  logs: LogLine[];
  clock: { now: Date; set(iso: string | Date): void };
  post(fields: Record<string, string | string[]>, headers?: Record<string, string>, path?: string): Promise<Response>;
  /** Rows of `sql` against the server's database (a separate read-only connection). */
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  stop(): Promise<void>;
}

export interface TrustServerOptions {
  env?: Record<string, string>;
  clockStart?: string;
  timeouts?: ServerOptions['timeouts'];
  /** Reuse a folder (same database) from an earlier server. */
  dir?: string;
}

export async function startTrustServer(rulesYaml: string, options: TrustServerOptions = {}): Promise<TrustServer> {
  const own = options.dir ? undefined : tempDir('autoreply-trust-');
  const dir = options.dir ?? own!.dir;
  const rulesPath = join(dir, 'rules.yaml');
  writeFileSync(rulesPath, rulesYaml);
  const config = resolveConfig({ PORT: '0', HOST: '127.0.0.1', RULES_FILE: rulesPath, DATABASE_PATH: join(dir, 'data', 'autoreply.db'), ...options.env });
  const logs: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const clock = {
    now: new Date(options.clockStart ?? '2026-12-02T10:00:00Z'),
    set(iso: string | Date) {
      this.now = new Date(iso);
    },
  };
  const running = await startServer(config, { logger, clock: () => clock.now, watchPollMs: 50, timeouts: options.timeouts }).catch((err) => {
    own?.remove();
    throw err;
  });
  return {
    ...running,
    dir,
    config,
    rulesPath,
    logs,
    clock,
    post: (fields, headers = {}, path = config.webhookPath) =>
      fetch(`${running.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: form(fields),
      }),
    query: <T>(sql: string, ...params: unknown[]) => {
      const db = new Database(config.databasePath, { readonly: true });
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    },
    stop: async () => {
      await running.close();
      own?.remove();
    },
  };
}
