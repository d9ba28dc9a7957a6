// createApp(deps): the Koa application, built without listening, so tests drive it directly.
import Koa from 'koa';
import Router from '@koa/router';
import type { Logger } from 'pino';
import { basicAuth } from './auth.js';
import { BadRequest } from './body.js';
import { registerOpsRoutes, type OpsDeps } from './ops-routes.js';
import { createWebhookHandler, type WebhookDeps } from './webhook.js';

export interface AppDeps extends WebhookDeps {
  webhookPath: string;
  logger: Logger;
  /** /status and /metrics; without it only /healthz is served. */
  ops?: OpsDeps;
  /** Set when BASIC_AUTH is: the webhook asks for this user name and password. */
  basicAuth?: { user: string; password: string };
  /** TRUST_PROXY: ctx.ip and ctx.protocol believe X-Forwarded-* headers. */
  trustProxy?: boolean;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  const router = new Router();
  app.proxy = deps.trustProxy ?? false;

  // What the client sees stays apart from what the operator sees: bad input gets its plain
  // message; anything unexpected gets the bare status text while the details go to the log.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof BadRequest) {
        ctx.status = err.status;
        ctx.type = 'text/plain';
        ctx.body = `${err.message}\n`;
        deps.logger.info({ status: err.status, path: ctx.path, reason: err.message }, 'request refused');
        return;
      }
      deps.logger.error({ err, path: ctx.path }, 'unexpected error');
      ctx.status = 500;
      ctx.type = 'text/plain';
      ctx.body = 'Internal Server Error\n';
    }
  });

  if (deps.basicAuth) router.post(deps.webhookPath, basicAuth(deps.basicAuth, deps.logger), createWebhookHandler(deps));
  else router.post(deps.webhookPath, createWebhookHandler(deps));
  registerOpsRoutes(router, deps.store, deps.ops);
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.on('error', () => {}); // errors are logged above; stop Koa printing stack traces to stderr
  return app;
}
