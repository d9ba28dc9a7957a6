// The ceiling: a bare Koa app that reads the raw urlencoded body, parses it with URLSearchParams
// (no body-parser middleware) and answers a fixed LaML document. No rules, no database.
import Koa from 'koa';

const laml = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks for your message! We will get back to you during opening hours.</Message></Response>';

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.method === 'GET' && ctx.path === '/healthz') {
    ctx.body = 'ok\n';
    return;
  }
  if (ctx.method !== 'POST' || ctx.path !== '/webhooks/sms') {
    ctx.status = 404;
    return;
  }
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  if (!params.get('MessageSid')) {
    ctx.status = 400;
    ctx.body = 'missing MessageSid\n';
    return;
  }
  ctx.type = 'text/xml; charset=utf-8';
  ctx.body = laml;
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1');
server.keepAliveTimeout = 5_000;
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
