// Drives a server with autocannon: at saturation (fixed connections, as fast as it answers) and
// at a steady rate (overallRate: latency as the provider sees it).
import autocannon from 'autocannon';
import { fillSid, sidFor } from './messages.mjs';

let runCounter = Math.floor(Math.random() * 0xffffff) << 4;

/** Each request gets the next body from the pool and a MessageSid from `sidOf(n)`. */
function requestsFrom(pool, sidOf) {
  let n = 0;
  return [
    {
      method: 'POST',
      path: '/webhooks/sms',
      setupRequest: (req) => {
        const i = n++;
        req.body = fillSid(pool[i % pool.length], sidOf(i));
        return req;
      },
    },
  ];
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

function run(url, options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, ...options },
      (err, result) => (err ? reject(err) : resolve(summarize(result))),
    );
    instance.on('error', reject);
  });
}

/** Requests with MessageSids never sent before (a fresh run id each call). */
export function uniqueRequests(pool) {
  const id = ++runCounter;
  return requestsFrom(pool, (i) => sidFor(id, i));
}

export function saturate(url, requests, { connections, seconds }) {
  return run(url, { connections, duration: seconds, requests });
}

export function steady(url, requests, { rate, seconds, connections }) {
  return run(url, { connections, duration: seconds, overallRate: rate, requests });
}

/** Sends every body in the pool once (a fixed set of MessageSids) and returns those requests again, repeated. */
export async function storeThenRepeat(url, pool, { connections }) {
  const id = ++runCounter;
  const first = await run(url, { connections, amount: pool.length, requests: requestsFrom(pool, (i) => sidFor(id, i % pool.length)) });
  return { first, repeats: () => requestsFrom(pool, (i) => sidFor(id, i % pool.length)) };
}
