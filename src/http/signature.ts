/**
 * Webhook signature validation for Twilio-compatible (LaML) providers:
 * Twilio (`X-Twilio-Signature`), SignalWire (`X-SignalWire-Signature`), ...
 *
 * Pure and dependency-free (node:crypto only). The caller decides which
 * header to read and which public URL the webhook was configured with.
 *
 * Algorithm:
 *   data = url
 *        + for each field name, sorted by UTF-16 code unit (case-sensitive):
 *            for each DISTINCT value of that field, sorted the same way:
 *              name + value          (values already URL-decoded)
 *   signature = base64(HMAC-SHA1(token, utf8(data)))
 *
 * The URL is used byte-exact; the only tolerance is the default port
 * (`:443` for https, `:80` for http) being present or absent.
 *
 * JSON bodies: the URL carries `bodySHA256=<hex sha256(rawBody)>` in its
 * query string; the signature covers that URL with no fields.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** Each field name to all its values, in arrival order. */
export type FormFields = Map<string, string[]>;

const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  https: "443",
  http: "80",
};

/** Default (UTF-16 code unit) ordering, spelled out so nobody "fixes" it to localeCompare. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Constant-time string comparison; unequal byte lengths are rejected without leaking where they differ. */
function safeEqual(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(actual, "utf8");
  if (a.length !== b.length) {
    // Keep the work comparable, then fail.
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/**
 * Compute the provider signature for `url` and the POST `fields`
 * (`null` = no fields, as for JSON bodies).
 */
export function computeSignature(token: string, url: string, fields: FormFields | null): string {
  let data = url;
  if (fields !== null) {
    const names = [...fields.keys()].sort(byCodeUnit);
    for (const name of names) {
      const values = [...new Set(fields.get(name) ?? [])].sort(byCodeUnit);
      for (const value of values) data += name + value;
    }
  }
  return createHmac("sha1", token).update(data, "utf8").digest("base64");
}

/**
 * The URL exactly as given, plus (for http/https) the variant with the
 * default port toggled: `https://h/p` <-> `https://h:443/p`,
 * `http://h/p` <-> `http://h:80/p`. Only the authority text is edited;
 * path, query and fragment are kept byte-exact. URLs with a non-default
 * port, an empty port, an unknown scheme or no authority yield `[url]`.
 */
export function urlVariants(url: string): string[] {
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  if (!schemeMatch) return [url];
  const defaultPort = DEFAULT_PORTS[schemeMatch[1]!.toLowerCase()];
  if (defaultPort === undefined) return [url];

  const authStart = schemeMatch[0].length;
  let authEnd = url.length;
  for (let i = authStart; i < url.length; i++) {
    const c = url[i];
    if (c === "/" || c === "?" || c === "#") {
      authEnd = i;
      break;
    }
  }
  const authority = url.slice(authStart, authEnd);
  const hostStart = authority.lastIndexOf("@") + 1; // skip userinfo, if any
  const hostPort = authority.slice(hostStart);

  let hostLen: number; // length of the host part inside hostPort
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    if (close === -1) return [url];
    hostLen = close + 1;
    if (hostLen !== hostPort.length && hostPort[hostLen] !== ":") return [url];
  } else {
    const colon = hostPort.indexOf(":");
    hostLen = colon === -1 ? hostPort.length : colon;
  }
  if (hostLen === 0) return [url];

  const hostEndInUrl = authStart + hostStart + hostLen;
  const before = url.slice(0, hostEndInUrl);
  const after = url.slice(authEnd);

  if (hostLen === hostPort.length) {
    // No port: add the default one.
    return [url, `${before}:${defaultPort}${after}`];
  }
  const port = hostPort.slice(hostLen + 1);
  if (port === defaultPort) {
    // Default port: remove it.
    return [url, before + after];
  }
  return [url];
}

/** Validate an application/x-www-form-urlencoded webhook. */
export function validateFormSignature(
  token: string,
  url: string,
  fields: FormFields,
  signature: string,
): boolean {
  if (typeof signature !== "string" || signature.length === 0) return false;
  let ok = false;
  for (const candidate of urlVariants(url)) {
    // No short-circuit: evaluate every variant.
    if (safeEqual(computeSignature(token, candidate, fields), signature)) ok = true;
  }
  return ok;
}

/** The first `bodySHA256` query parameter (decoded), or null. */
function bodyHashParam(url: string): string | null {
  const q = url.indexOf("?");
  if (q === -1) return null;
  const hash = url.indexOf("#", q);
  const query = url.slice(q + 1, hash === -1 ? undefined : hash);
  return new URLSearchParams(query).get("bodySHA256");
}

/**
 * Validate a JSON-bodied webhook: the URL must carry
 * `bodySHA256=<lowercase hex sha256(rawBody)>`, and the signature covers the
 * URL (default port toggling allowed) with no fields.
 */
export function validateJsonSignature(
  token: string,
  url: string,
  rawBody: Buffer,
  signature: string,
): boolean {
  const claimed = bodyHashParam(url);
  if (claimed === null || claimed.length === 0) return false;
  const bodyOk = safeEqual(createHash("sha256").update(rawBody).digest("hex"), claimed);
  const sigOk = validateFormSignature(token, url, new Map(), signature);
  return bodyOk && sigOk;
}

/**
 * Convenience (not part of the contract): parse a raw
 * application/x-www-form-urlencoded body into FormFields, URL-decoding
 * names and values (`+` = space), keeping repeated fields in arrival order.
 */
export function parseFormBody(raw: string | Buffer): FormFields {
  const fields: FormFields = new Map();
  const text = typeof raw === "string" ? raw : raw.toString("utf8");
  for (const [name, value] of new URLSearchParams(text)) {
    const list = fields.get(name);
    if (list) list.push(value);
    else fields.set(name, [value]);
  }
  return fields;
}
