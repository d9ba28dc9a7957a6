// Wires configuration, database, rules, file watcher and the HTTP app into a running server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createApp } from './http/app.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createSignatureCheck } from './http/auth.js';
import { LiveRules } from './rules/live-rules.js';
import { formatProblemForLog, type Problem } from './rules/problems.js';
import { watchFile } from './rules/watch.js';
import { startCheckpointer } from './store/checkpointer.js';
import { openDatabase, type Db } from './store/database.js';
import { scheduleRetention } from './store/retention.js';
import { Store } from './store/store.js';

export interface RunningServer {
  url: string;
  server: Server;
  rules: LiveRules;
  store: Store;
  metrics: Metrics;
  /** Stops accepting, finishes in-flight requests, stops the watcher, closes the database. */
  close(): Promise<void>;
}

export class StartupError extends Error {
  constructor(
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

export interface ServerOptions {
  clock?: () => Date;
  logger: Logger;
  watchPollMs?: number;
  /** How long close() lets requests in flight finish before cutting their connections (default 10 s). */
  shutdownGraceMs?: number;
  /** How long a client may take to send its headers / its whole request (tests shorten them). */
  timeouts?: { headersMs?: number; requestMs?: number };
}

export async function startServer(config: Config, options: ServerOptions): Promise<RunningServer> {
  const clock = options.clock ?? (() => new Date());
  const { logger } = options;

  let db: Db;
  const dbOptions = { sync: config.dbSync, backgroundCheckpoints: true };
  try {
    db = openDatabase(config.databasePath, dbOptions);
  } catch (err) {
    throw new StartupError(`cannot open the database ${config.databasePath}: ${(err as Error).message}`);
  }
  const store = new Store(db);
  const metrics = createMetrics();
  const startedAt = new Date();
  store.reopen = () => openDatabase(config.databasePath, dbOptions);

  // A reload while the disk is full must not crash the server: log it, keep answering.
  const recordSafely = (write: () => void) => {
    try {
      write();
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'could not record the rules load in the database');
    }
  };
  const opened = await LiveRules.open(config.rulesFile, clock, {
    loaded: (rs, attempt) => {
      recordSafely(() => {
        store.recordRuleSet(rs.version, rs.source, attempt.at);
        store.recordRuleLoad(attempt.at, rs.version, true, LiveRules.problemText(attempt.problems));
      });
      metrics.rulesLoad(attempt);
      logger.info({ rules_version: rs.version.slice(0, 12), rules: rs.rules.length, file: config.rulesFile }, 'rules loaded');
      for (const p of attempt.problems) logger.warn({ problem: formatProblemForLog(p) }, 'rules warning');
    },
    refused: (attempt) => {
      recordSafely(() => store.recordRuleLoad(attempt.at, attempt.version, false, LiveRules.problemText(attempt.problems)));
      metrics.rulesLoad(attempt);
      logger.error(
        { problems: attempt.problems.map(formatProblemForLog) },
        'the changed rules file has problems; the previous rules keep answering',
      );
    },
  });
  if (Array.isArray(opened)) {
    db.close();
    throw new StartupError(`the rules file ${config.rulesFile} cannot be used`, opened);
  }
  const rules = opened;

  const checkSignature = config.authToken
    ? createSignatureCheck({ authToken: config.authToken, publicUrl: config.publicUrl, trustProxy: config.trustProxy, logger })
    : undefined;
  const app = createApp({
    rules,
    store,
    clock,
    logger,
    webhookPath: config.webhookPath,
    logBodies: config.logBodies,
    onAnswered: metrics.answered,
    ops: { store, rules, metrics, adminToken: config.adminToken, databasePath: config.databasePath, startedAt },
    checkSignature,
    basicAuth: config.basicAuth,
    trustProxy: config.trustProxy,
  });
  // A client that sends very slowly is cut off instead of holding a connection open
  // (docs/security.md, "Limits"). Node checks these limits every connectionsCheckingInterval
  // (30 s by default), so check more often or a 10 s limit could take 40 s to bite.
  const headersMs = options.timeouts?.headersMs ?? 10_000;
  const requestMs = options.timeouts?.requestMs ?? 15_000;
  const server = createServer({ connectionsCheckingInterval: Math.min(1000, Math.max(50, headersMs / 4)) }, app.callback());
  server.headersTimeout = headersMs;
  server.requestTimeout = requestMs;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  }).catch((err) => {
    db.close();
    throw new StartupError(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${shownHost}:${port}`;
  logger.info({ url: `${url}${config.webhookPath}`, database: config.databasePath }, 'listening');
  if (!config.authToken) {
    logger.warn('AUTH_TOKEN is not set: webhooks are not authenticated, so anyone who can reach this server can make it send messages');
  } else if (!config.publicUrl) {
    logger.info({ trust_proxy: config.trustProxy }, 'PUBLIC_URL is not set: signatures are checked against the address rebuilt from each request');
  }

  // An in-memory database has no WAL to checkpoint (and a second connection would not see it).
  const checkpointer =
    config.databasePath === ':memory:'
      ? { stop: async () => {} }
      : startCheckpointer(config.databasePath, {
          sync: config.dbSync,
          onError: (err) => logger.error({ err: err.message }, 'the background checkpointer stopped; the database checkpoints in the request path instead'),
        });
  const stopWatching = watchFile(config.rulesFile, () => void rules.reload(), { pollMs: options.watchPollMs });
  const stopRetention = config.retentionDays === null ? async () => {} : scheduleRetention(() => store.db, config.retentionDays, clock, logger);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      stopWatching();
      const retentionStopped = stopRetention();
      await new Promise<void>((resolve) => {
        // A keep-alive connection becomes idle when its last request is answered; close it then
        // instead of waiting for the keep-alive timeout.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
        // In-flight requests get a bounded time to finish.
        setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 10_000).unref();
      });
      await retentionStopped;
      await checkpointer.stop();
      try {
        store.db.pragma('wal_checkpoint(TRUNCATE)'); // store.db: the connection may have been reopened
      } catch {
        // another process may hold the file; the WAL is still consistent
      }
      store.db.close();
      logger.info('stopped');
    })());

  return { url, server, rules, store, metrics, close };
}
