// Reads a webhook body: raw bytes first (signatures are computed over them), then form fields.
// Written here rather than with koa-bodyparser because we need the exact bytes, every value of a
// repeated field, strict percent-decoding, and no nested-object parsing (`a[b]=c` is a field name).
import type { IncomingMessage } from 'node:http';

export const maxBodyBytes = 64 * 1024;

export class BadRequest extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** Every posted field name with all its values, in arrival order. */
export type Fields = Map<string, string[]>;

export type BodyKind = 'form' | 'json';

export function bodyKind(contentType: string | undefined): BodyKind {
  const [type, ...params] = (contentType ?? '').split(';').map((s) => s.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') {
    throw new BadRequest(415, `unsupported charset "${charset}": send UTF-8`);
  }
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type === 'application/json') return 'json';
  throw new BadRequest(
    415,
    type ? `unsupported content type "${type}": send application/x-www-form-urlencoded or application/json` : 'missing Content-Type: send application/x-www-form-urlencoded or application/json',
  );
}

export async function readRawBody(req: IncomingMessage, limit = maxBodyBytes): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // let the client finish sending so it can read our answer
    throw new BadRequest(413, `the body is larger than ${limit / 1024} KiB`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        req.resume();
        throw new BadRequest(413, `the body is larger than ${limit / 1024} KiB`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof BadRequest) throw err;
    // The client went away or was cut off (too slow): nothing was decided or stored.
    throw new BadRequest(400, 'the request did not arrive completely');
  }
  if (Number.isFinite(declared) && size !== declared) throw new BadRequest(400, 'the request did not arrive completely');
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(raw: Buffer): string {
  try {
    return utf8.decode(raw);
  } catch {
    throw new BadRequest(400, 'the body is not valid UTF-8');
  }
}

function decodeComponent(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new BadRequest(400, 'the body contains invalid percent-encoding (for example "%ZZ" or a broken UTF-8 sequence)');
  }
}

export function parseForm(raw: Buffer): Fields {
  const fields: Fields = new Map();
  const text = decodeUtf8(raw);
  if (text === '') return fields;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeComponent(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : decodeComponent(part.slice(eq + 1));
    const list = fields.get(name);
    if (list) list.push(value);
    else fields.set(name, [value]);
  }
  return fields;
}

const loneSurrogate = /[\uD800-\uDFFF]/u; // with `u`, only halves without their partner match

export function parseJson(raw: Buffer): Fields {
  let data: unknown;
  try {
    data = JSON.parse(decodeUtf8(raw));
  } catch (err) {
    if (err instanceof BadRequest) throw err;
    throw new BadRequest(400, 'the body is not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new BadRequest(400, 'the JSON body must be an object of fields, like {"From": "+4912345", ...}');
  }
  const fields: Fields = new Map();
  for (const [name, value] of Object.entries(data)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0) continue; // a field sent zero times was not sent
    // JSON can spell half a character ("\ud800"), which UTF-8 (and so the database) cannot store:
    // refuse it like broken UTF-8 in a form, so what is stored is exactly what was sent.
    if (loneSurrogate.test(name) || values.some((v) => typeof v === 'string' && loneSurrogate.test(v))) {
      throw new BadRequest(400, 'the body contains broken text (half of a character), which cannot be stored');
    }
    fields.set(
      name,
      values.map((v) => {
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
        if (v === null) return '';
        throw new BadRequest(400, `the field "${name}" must be text`);
      }),
    );
  }
  return fields;
}
