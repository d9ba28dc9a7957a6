// `autoreply serve`: run the webhook server until SIGTERM or SIGINT; SIGHUP reloads the rules.
import type { Command } from 'commander';
import { ConfigError, resolveConfig, type Config } from '../config.js';
import { createLogger } from '../logger.js';
import { formatProblems } from '../rules/problems.js';
import { startServer, StartupError } from '../server.js';
import { readFileSync } from 'node:fs';
import { exitCodes, type Io } from './io.js';

export function registerServe(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('serve')
    .description('run the webhook server (what `npm start` does)')
    .option('--port <number>', 'port to listen on (env PORT, default 3000)')
    .option('--host <address>', 'address to listen on (env HOST, default 0.0.0.0)')
    .option('--rules <file>', 'rules file (env RULES_FILE, default rules.yaml)')
    .option('--db <file>', 'SQLite database file (env DATABASE_PATH, default data/autoreply.db)')
    .option('--webhook-path <path>', 'path the provider posts to (env WEBHOOK_PATH, default /webhooks/sms)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or silent (env LOG_LEVEL, default info)')
    .option('--log-format <format>', 'json (one object per line) or pretty (for reading in a terminal) (env LOG_FORMAT, default json)')
    .option('--log-bodies', 'also log message and reply texts, which are personal data (env LOG_BODIES=true)')
    .option('--retention-days <days>', 'delete messages older than this many days, at startup and daily (env RETENTION_DAYS, default: keep forever)')
    .option('--admin-token <token>', 'require "Authorization: Bearer <token>" for /status and /metrics (env ADMIN_TOKEN; prefer the env var)')
    .option('--auth-token <token>', "the provider's signing key; webhooks without a valid signature are refused (env AUTH_TOKEN; prefer the variable: flags show up in process lists)")
    .option('--public-url <url>', 'the webhook address exactly as set at the provider, e.g. https://sms.example.com/webhooks/sms (env PUBLIC_URL)')
    .option('--trust-proxy <true|false>', 'believe X-Forwarded-Proto/-Host from a proxy in front (env TRUST_PROXY, default false)')
    .option('--basic-auth <user:password>', 'require this user name and password from the provider (env BASIC_AUTH)')
    .action(async (opts) => {
      let config: Config;
      try {
        config = resolveConfig(io.env, {
          port: opts.port,
          host: opts.host,
          rulesFile: opts.rules,
          databasePath: opts.db,
          webhookPath: opts.webhookPath,
          logLevel: opts.logLevel,
          logFormat: opts.logFormat,
          logBodies: opts.logBodies ? 'true' : undefined,
          retentionDays: opts.retentionDays,
          adminToken: opts.adminToken,
          authToken: opts.authToken,
          publicUrl: opts.publicUrl,
          trustProxy: opts.trustProxy,
          basicAuth: opts.basicAuth,
        });
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        io.stderr(`autoreply: ${err.message}\n`);
        return done(exitCodes.usage);
      }
      done(await serve(config, io));
    });
}

export async function serve(config: Config, io: Io): Promise<number> {
  const logger = createLogger(config.logLevel, undefined, { format: config.logFormat });
  let running;
  try {
    running = await startServer(config, { logger });
  } catch (err) {
    if (!(err instanceof StartupError)) throw err;
    io.stderr(`autoreply: ${err.message}\n`);
    if (err.problems.length) {
      let source = '';
      try {
        source = readFileSync(config.rulesFile, 'utf8');
      } catch {
        // the problem says why the file cannot be read
      }
      io.stderr(`${formatProblems(err.problems, source)}\n`);
    }
    logger.flush();
    return exitCodes.problem;
  }
  const server = running;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting at once');
        logger.flush();
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down');
      void server.close().then(() => {
        process.off('SIGHUP', hup);
        logger.flush();
        resolve(exitCodes.ok);
      });
    };
    const hup = () => {
      logger.info('SIGHUP: reloading the rules');
      void server.rules.reload();
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', hup);
  });
}
