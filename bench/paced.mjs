// A steady rate as a provider sends it: one request every 1/rate seconds, evenly spaced, whether
// or not earlier ones have been answered (open loop). autocannon's `overallRate` does not do
// this: each connection sends its whole per-second quota back to back when its one-second timer
// fires (node_modules/autocannon/lib/httpClient.js, `rateInterval` and `reqsMadeThisSecond`), so
// "1,000 req/s" arrives as a 1,000-request burst at the top of each second and measures queueing
// at saturation instead. See docs/performance.md, "Method".
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);

function post(agent, url, body) {
  return new Promise((resolve) => {
    const req = request(
      `${url}/webhooks/sms`,
      { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/**
 * Sends `rate` requests a second for `seconds` over at most `connections` keep-alive
 * connections. Latency runs from the moment a request was due, so time spent waiting for a free
 * connection or behind a late timer counts against the server, never in its favour.
 */
export async function paced(url, nextBody, { rate, seconds, connections }) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const latencies = [];
  const status = {};
  const inFlight = [];
  const started = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && started + sent * interval <= now) {
        const due = started + sent * interval;
        sent++;
        inFlight.push(
          post(agent, url, nextBody()).then((code) => {
            latencies.push(performance.now() - due);
            status[code] = (status[code] ?? 0) + 1;
          }),
        );
      }
      if (sent < total) setTimeout(tick, Math.max(0, started + sent * interval - performance.now()));
      else resolve();
    };
    tick();
  });
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (x) => +x.toFixed(2);
  return {
    requests: total,
    rps: round(total / elapsed),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies[latencies.length - 1] ?? NaN),
    ok: status['200'] ?? 0,
    non2xx: total - (status['200'] ?? 0) - (status['0'] ?? 0),
    errors: status['0'] ?? 0,
  };
}
