// The numbers GET /metrics shows, in Prometheus text format. Each server has its own registry,
// so several servers in one process (tests) never share counts. Names are a contract (README,
// "Monitoring").
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ReloadAttempt } from './rules/live-rules.js';

export interface Metrics {
  registry: Registry;
  /** The webhook's onAnswered hook. */
  answered(info: { outcome: string; rule: string | null; duplicate: boolean; seconds: number }): void;
  /** A rules load attempt, accepted or refused (the first load at startup counts too). */
  rulesLoad(attempt: ReloadAttempt): void;
  text(): Promise<string>;
  contentType: string;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const messages = new Counter({
    name: 'autoreply_messages_total',
    help: 'Messages decided (first deliveries only), by outcome and by the rule that answered ("" for none).',
    labelNames: ['outcome', 'rule'] as const,
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'autoreply_duplicates_total',
    help: 'Repeated deliveries of an already recorded MessageSid, answered from the record.',
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'autoreply_request_duration_seconds',
    help: 'Time to answer a webhook delivery, from the request to the stored answer.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const reloads = new Counter({
    name: 'autoreply_rules_reloads_total',
    help: 'Rules load attempts, by result: "ok" (now answering) or "refused" (had problems; the previous rules kept answering).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const lastReloadSuccess = new Gauge({
    name: 'autoreply_rules_last_reload_success',
    help: '1 when the last rules load attempt succeeded, 0 when it was refused.',
    registers: [registry],
  });
  const loadedAt = new Gauge({
    name: 'autoreply_rules_loaded_timestamp_seconds',
    help: 'When the rules now answering were loaded (Unix time in seconds).',
    registers: [registry],
  });
  // Both results exist from the start, so a "refused" rate can be computed before the first refusal.
  reloads.inc({ result: 'ok' }, 0);
  reloads.inc({ result: 'refused' }, 0);

  return {
    registry,
    contentType: registry.contentType,
    answered({ outcome, rule, duplicate, seconds }) {
      duration.observe(seconds);
      if (duplicate) duplicates.inc();
      else messages.inc({ outcome, rule: rule ?? '' });
    },
    rulesLoad(attempt) {
      reloads.inc({ result: attempt.ok ? 'ok' : 'refused' });
      lastReloadSuccess.set(attempt.ok ? 1 : 0);
      if (attempt.ok) loadedAt.set(attempt.at.getTime() / 1000);
    },
    text: () => registry.metrics(),
  };
}
