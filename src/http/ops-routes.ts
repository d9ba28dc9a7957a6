// The operator's endpoints: GET /healthz (open; for Docker and load balancers), GET /status
// (JSON) and GET /metrics (Prometheus). With ADMIN_TOKEN set, /status and /metrics need
// "Authorization: Bearer <token>".
import { createHash, timingSafeEqual } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Metrics } from '../metrics.js';
import { formatProblemForLog } from '../rules/problems.js';
import type { ReloadAttempt } from '../rules/live-rules.js';
import type { RuleSet } from '../rules/types.js';
import { countMessages } from '../store/audit-queries.js';
import type { Store } from '../store/store.js';
import { version } from '../version.js';

export interface OpsDeps {
  store: Store;
  /** What /status reports about the rules (LiveRules in the server). */
  rules: { readonly current: RuleSet; readonly file: string; readonly loadedAt: Date; readonly lastAttempt: ReloadAttempt };
  metrics: Metrics;
  adminToken: string | null;
  databasePath: string;
  startedAt: Date;
}

export function registerOpsRoutes(router: Router, store: Store, ops?: OpsDeps): void {
  router.get('/healthz', (ctx) => {
    // After a failed write, isWritable() proves with a real write that storing works again.
    const ok = store.isWritable();
    ctx.status = ok ? 200 : 503;
    ctx.type = 'text/plain';
    ctx.body = ok ? 'ok\n' : 'database not writable\n';
  });
  if (!ops) return;

  const allowed = (ctx: Context): boolean => {
    if (ops.adminToken === null) return true;
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(ctx.get('authorization'));
    // Compare hashes: equal length, and the time taken says nothing about the token.
    const digest = (t: string) => createHash('sha256').update(t).digest();
    if (m && timingSafeEqual(digest(m[1]), digest(ops.adminToken))) return true;
    ctx.status = 401;
    ctx.set('WWW-Authenticate', 'Bearer realm="autoreply"');
    ctx.type = 'text/plain';
    ctx.body = 'This needs "Authorization: Bearer <ADMIN_TOKEN>".\n';
    return false;
  };

  // Counting rows reads the whole index; once every few seconds is plenty for a status page.
  let counted = { at: 0, n: 0 };
  const messageCount = () => {
    if (Date.now() - counted.at > 5_000) counted = { at: Date.now(), n: countMessages(store.db) };
    return counted.n;
  };

  router.get('/status', (ctx) => {
    if (!allowed(ctx)) return;
    const { current, file, loadedAt, lastAttempt } = ops.rules;
    ctx.body = {
      service: 'autoreply',
      version,
      started_at: ops.startedAt.toISOString(),
      uptime_seconds: Math.round((Date.now() - ops.startedAt.getTime()) / 1000),
      rules: { version: current.version, loaded_at: loadedAt.toISOString(), rule_count: current.rules.length, file },
      last_reload: {
        at: lastAttempt.at.toISOString(),
        ok: lastAttempt.ok,
        version: lastAttempt.version,
        problems: lastAttempt.problems.map(formatProblemForLog),
      },
      database: { path: ops.databasePath, messages: messageCount() },
    };
  });

  router.get('/metrics', async (ctx) => {
    if (!allowed(ctx)) return;
    ctx.type = ops.metrics.contentType;
    ctx.body = await ops.metrics.text();
  });
}
