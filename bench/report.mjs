// The ratios, the targets of issue 6, and the table printed at the end of a run.
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';

export function describeMachine() {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    // not Linux
  }
  return { cpus: cpus().length, cpuModel: model.trim(), node: process.version, platform: `${process.platform} ${process.arch}` };
}

const round = (x, d = 2) => (Number.isFinite(x) ? +x.toFixed(d) : null);

export function computeRatios(byName) {
  const rps = (n) => byName[n]?.saturation?.rps;
  return {
    'autoreply-50 / baseline': round(rps('autoreply-50') / rps('baseline')),
    'autoreply-1000 / autoreply-50': round(rps('autoreply-1000') / rps('autoreply-50')),
    'duplicates / baseline': round(rps('duplicates') / rps('baseline')),
    'sync-full / sync-normal (50 rules)': round(rps('autoreply-50-sync-full') / rps('autoreply-50')),
  };
}

export function checkTargets(byName, ratios, micro) {
  const t = (target, value, met) => ({ target, value, met });
  return {
    '50 rules >= 0.5x baseline req/s, every message recorded': t(0.5, ratios['autoreply-50 / baseline'], ratios['autoreply-50 / baseline'] >= 0.5 && byName['autoreply-50'].everyAnswerRecorded === true),
    '1000 rules >= 0.8x 50 rules': t(0.8, ratios['autoreply-1000 / autoreply-50'], ratios['autoreply-1000 / autoreply-50'] >= 0.8),
    'p99 <= 10 ms at steady rate, 50 rules': t(10, byName['autoreply-50'].steady?.p99, byName['autoreply-50'].steady?.p99 <= 10),
    'p99 <= 10 ms at steady rate, 1000 rules': t(10, byName['autoreply-1000'].steady?.p99, byName['autoreply-1000'].steady?.p99 <= 10),
    'peak RSS <= 120 MB, 1000 rules': t(120, byName['autoreply-1000'].peakRssMb, byName['autoreply-1000'].peakRssMb <= 120),
    'load a 1000-rule file <= 300 ms (fresh process)': t(300, micro.load.coldMedianMs, micro.load.coldMedianMs <= 300),
    'hot reload median <= 300 ms': t(300, micro.reload.medianMs, micro.reload.medianMs <= 300),
  };
}

const pad = (s, n) => String(s).padEnd(n);
const allOrMissing = (every) => (every === undefined ? '-' : every ? 'all' : 'MISSING');
const num = (x, d = 1) => (x === undefined || x === null ? '-' : Number(x).toFixed(d));

export function formatTable(results) {
  const lines = [];
  const { settings } = results;
  lines.push(`autoreply benchmark ${results.quick ? '(quick) ' : ''}on ${results.machine.cpus} x ${results.machine.cpuModel}, Node ${results.machine.node}`);
  lines.push(`saturation: ${settings.connections} connections for ${settings.seconds} s; steady: ${settings.rate} req/s evenly spaced for ${settings.steadySeconds} s`);
  lines.push('');
  lines.push(`${pad('scenario', 24)}${pad('rules', 7)}${pad('req/s', 9)}${pad('p50', 7)}${pad('p99', 7)}${pad('max', 8)}${pad('steady p99', 12)}${pad('steady max', 12)}${pad('RSS MB', 8)}${pad('recorded', 10)}logged`);
  for (const r of results.scenarios) {
    const s = r.saturation ?? {};
    lines.push(
      `${pad(r.name, 24)}${pad(r.rules || '-', 7)}${pad(num(s.rps, 0), 9)}${pad(num(s.p50), 7)}${pad(num(s.p99), 7)}${pad(num(s.max), 8)}${pad(num(r.steady?.p99), 12)}${pad(num(r.steady?.max), 12)}${pad(num(r.peakRssMb), 8)}${pad(allOrMissing(r.everyAnswerRecorded), 10)}${allOrMissing(r.everyAnswerLogged)}`,
    );
  }
  lines.push('(latencies in ms)');
  lines.push('');
  for (const [k, v] of Object.entries(results.ratios)) lines.push(`${pad(k, 40)}${v ?? '-'}`);
  lines.push('');
  lines.push('match+render per message (in-process): ' + results.micro.matchRender.map((m) => `${m.rules} rules ${m.usPerMessage} us`).join(', '));
  lines.push(`load+check a ${results.micro.load.rules}-rule file: ${results.micro.load.coldMedianMs} ms in a fresh process (median of ${results.micro.load.coldMs.length}: ${results.micro.load.coldMs.join(', ')}), ${results.micro.load.warmMedianMs} ms warm (median)`);
  lines.push(`hot reload (file written -> answered by the new rules): median ${results.micro.reload.medianMs} ms, max ${results.micro.reload.maxMs} ms over ${results.micro.reload.saves} saves`);
  lines.push('');
  for (const [k, v] of Object.entries(results.targets)) lines.push(`${v.met ? 'met   ' : 'MISSED'} ${pad(k, 58)} ${v.value ?? '-'}`);
  return lines.join('\n');
}
