// One load scenario: start its server, measure saturation and a steady rate, read its peak
// memory, stop it, and check that every answered message was recorded.
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saturate, steady, storeThenRepeat, uniqueBodies } from './load.mjs';
import { buildMessagePool } from './messages.mjs';
import { generateRules } from './rules-file.mjs';
import { startAutoreply, startBaseline } from './servers.mjs';

/** Log lines of answered webhooks: one per delivery is a contract (README, "Logs"). */
function countAnswerLines(logFile) {
  let n = 0;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) if (line.includes('"msg":"message answered"') || line.includes('"msg":"duplicate delivery answered')) n++;
  return n;
}

function countRows(databasePath) {
  const db = new Database(databasePath, { readonly: true });
  try {
    const { messages, deliveries } = db.prepare('SELECT count(*) AS messages, coalesce(sum(deliveries), 0) AS deliveries FROM messages').get();
    return { messages, deliveries };
  } finally {
    db.close();
  }
}

/** The scenarios of the contract (issue 6), plus DB_SYNC=full. */
export function scenarioList(settings) {
  return [
    { name: 'baseline', kind: 'baseline' },
    { name: 'autoreply-50', kind: 'autoreply', rules: settings.rules },
    { name: 'autoreply-1000', kind: 'autoreply', rules: settings.manyRules, many: true },
    { name: 'duplicates', kind: 'autoreply', rules: settings.rules, duplicates: true },
    { name: 'autoreply-50-sync-full', kind: 'autoreply', rules: settings.rules, dbSync: 'full', saturationOnly: true },
  ];
}

export async function runScenario(scenario, settings, dir) {
  const { yaml, samples } = generateRules(scenario.rules ?? settings.rules);
  const pool = buildMessagePool(samples, { count: 2000, seed: scenario.rules ?? 7 });
  let server;
  let databasePath;
  const logFile = join(dir, `${scenario.name}.log`);
  if (scenario.kind === 'baseline') server = await startBaseline({ logFile });
  else {
    const rulesFile = join(dir, `${scenario.name}.yaml`);
    databasePath = join(dir, `${scenario.name}.db`);
    writeFileSync(rulesFile, yaml);
    server = await startAutoreply({ rulesFile, databasePath, logFile, dbSync: scenario.dbSync, cpuProfDir: settings.cpuProfDir });
  }
  const result = { name: scenario.name, rules: scenario.rules ?? 0, dbSync: scenario.kind === 'baseline' ? null : (scenario.dbSync ?? 'normal') };
  let warm = null;
  try {
    let requests = () => uniqueBodies(pool);
    if (scenario.duplicates) {
      const stored = await storeThenRepeat(server.url, pool, { connections: settings.connections });
      requests = stored.repeats;
    }
    // A short warm-up so the JIT and SQLite page cache are not part of the figures.
    warm = settings.warmupSeconds ? await saturate(server.url, requests(), { connections: settings.connections, seconds: settings.warmupSeconds }) : null;
    result.saturation = await saturate(server.url, requests(), { connections: settings.connections, seconds: settings.seconds });
    if (!scenario.saturationOnly) {
      result.steady = await steady(server.url, requests(), { rate: settings.rate, seconds: settings.steadySeconds, connections: settings.steadyConnections });
    }
    result.peakRssMb = +server.peakRssMb().toFixed(1);
  } finally {
    const code = await server.stop();
    if (code !== 0) throw new Error(`${scenario.name}: the server exited with ${code}:\n${server.output()}`);
  }
  if (databasePath) {
    const rows = countRows(databasePath);
    const answered = [warm, result.saturation, result.steady].reduce((n, r) => n + (r?.ok ?? 0), 0);
    result.recorded = rows;
    result.logLines = countAnswerLines(logFile);
    const expected = scenario.duplicates ? answered + pool.length : answered;
    // Every 200 means a stored row: unique runs add one row per 200, repeats one delivery each.
    result.everyAnswerRecorded = (scenario.duplicates ? rows.deliveries : rows.messages) >= expected;
    // ... and a log line, so the figures include writing the log operators rely on.
    result.everyAnswerLogged = result.logLines >= expected;
  }
  return result;
}
