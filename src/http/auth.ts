// Who may post to the webhook: the provider's signature (AUTH_TOKEN) and optional HTTP Basic auth
// (BASIC_AUTH). Providers like SignalWire enforce nothing on our side, so a forged request would
// otherwise make us text anyone at our cost (issue 5, "Signed webhooks").
import { timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import type { BodyKind, Fields } from './body.js';
import { validateFormSignature, validateJsonSignature } from './signature.js';

export interface SignatureSettings {
  authToken: string;
  publicUrl?: string;
  trustProxy: boolean;
  logger: Logger;
}

/** Checks a parsed webhook request; false means it was answered with 403 and must go no further. */
export type SignatureCheck = (ctx: Context, raw: Buffer, kind: BodyKind, fields: Fields) => boolean;

const signatureHeaders = ['x-twilio-signature', 'x-signalwire-signature'];

function firstValue(header: string | string[] | undefined): string | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  return v?.split(',')[0]?.trim() || undefined;
}

/**
 * The URL the provider signed. With PUBLIC_URL: that text plus the query string exactly as it
 * arrived (never re-encoded: the signature covers the provider's bytes). Without: rebuilt from
 * the request, believing proxy headers only when told to.
 */
export function signedUrl(ctx: Context, publicUrl: string | undefined, trustProxy: boolean): string {
  const target = ctx.req.url ?? '/';
  if (publicUrl !== undefined) {
    const q = target.indexOf('?');
    return q === -1 ? publicUrl : publicUrl + target.slice(q);
  }
  const encrypted = (ctx.req.socket as { encrypted?: boolean }).encrypted === true;
  const proto = (trustProxy && firstValue(ctx.req.headers['x-forwarded-proto'])) || (encrypted ? 'https' : 'http');
  const host = (trustProxy && firstValue(ctx.req.headers['x-forwarded-host'])) || ctx.req.headers.host || '';
  return `${proto}://${host}${target}`;
}

export function createSignatureCheck(settings: SignatureSettings): SignatureCheck {
  const { authToken, publicUrl, trustProxy, logger } = settings;
  return (ctx, raw, kind, fields) => {
    const url = signedUrl(ctx, publicUrl, trustProxy);
    const given = signatureHeaders.map((h) => firstValue(ctx.req.headers[h])).filter((v): v is string => v !== undefined);
    let ok = false;
    for (const signature of given) {
      const valid = kind === 'json' ? validateJsonSignature(authToken, url, raw, signature) : validateFormSignature(authToken, url, fields, signature);
      if (valid) ok = true;
    }
    if (ok) return true;
    logger.warn(
      {
        status: 403,
        path: ctx.path,
        ip: ctx.ip,
        reason: given.length ? 'the signature does not match' : 'no X-Twilio-Signature or X-SignalWire-Signature header',
        signed_url: url,
      },
      'webhook refused: not signed by the provider (check AUTH_TOKEN and PUBLIC_URL)',
    );
    ctx.status = 403;
    ctx.type = 'text/plain';
    ctx.body = 'This request is not signed by the provider, so it was refused.\n';
    return false;
  };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // Compare equal-length buffers only; the length check itself leaks nothing useful.
  return x.length === y.length && timingSafeEqual(x, y);
}

/** HTTP Basic auth for the webhook: 401 with a WWW-Authenticate challenge unless the pair matches. */
export function basicAuth(credentials: { user: string; password: string }, logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const header = ctx.get('authorization');
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    let ok = false;
    if (m) {
      const decoded = Buffer.from(m[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const userOk = colon !== -1 && sameText(decoded.slice(0, colon), credentials.user);
      const passwordOk = colon !== -1 && sameText(decoded.slice(colon + 1), credentials.password);
      ok = userOk && passwordOk;
    }
    if (ok) return next();
    logger.warn({ status: 401, path: ctx.path, ip: ctx.ip, reason: header ? 'wrong user name or password' : 'no credentials' }, 'webhook refused: Basic auth failed');
    ctx.req.resume(); // let the client finish sending so it can read the answer
    ctx.status = 401;
    ctx.set('WWW-Authenticate', 'Basic realm="autoreply", charset="UTF-8"');
    ctx.type = 'text/plain';
    ctx.body = 'A user name and password are needed to post here.\n';
  };
}
