// Drives a server: with autocannon at saturation (fixed connections, as fast as it answers),
// and at a steady rate with paced.mjs (evenly spaced, latency as the provider sees it).
import autocannon from 'autocannon';
import { fillSid, sidFor } from './messages.mjs';
import { paced } from './paced.mjs';

let runCounter = Math.floor(Math.random() * 0xffffff) << 4;

/** A function giving the next body: bodies from the pool in turn, the n-th with MessageSid `sidOf(n)`. */
function bodiesFrom(pool, sidOf) {
  let n = 0;
  return () => {
    const i = n++;
    return fillSid(pool[i % pool.length], sidOf(i));
  };
}

function summarize(result) {
  const status = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]));
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    ok: status['200'] ?? 0,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

function run(url, nextBody, options) {
  return new Promise((resolve, reject) => {
    const requests = [{ method: 'POST', path: '/webhooks/sms', setupRequest: (req) => ((req.body = nextBody()), req) }];
    const instance = autocannon(
      { url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, ...options, requests },
      (err, result) => (err ? reject(err) : resolve(summarize(result))),
    );
    instance.on('error', reject);
  });
}

/** Bodies with MessageSids never sent before (a fresh run id each call). */
export function uniqueBodies(pool) {
  const id = ++runCounter;
  return bodiesFrom(pool, (i) => sidFor(id, i));
}

export function saturate(url, nextBody, { connections, seconds }) {
  return run(url, nextBody, { connections, duration: seconds });
}

export function steady(url, nextBody, { rate, seconds, connections }) {
  return paced(url, nextBody, { rate, seconds, connections });
}

/** Sends every body in the pool once (a fixed set of MessageSids) and returns a source of those bodies again, repeated. */
export async function storeThenRepeat(url, pool, { connections }) {
  const id = ++runCounter;
  const sidOf = (i) => sidFor(id, i % pool.length);
  const first = await run(url, bodiesFrom(pool, sidOf), { connections, amount: pool.length });
  return { first, repeats: () => bodiesFrom(pool, sidOf) };
}
