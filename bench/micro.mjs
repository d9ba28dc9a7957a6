// In-process figures: match+render time per message by rule count, the time to load and check
// a rules file, and hot-reload latency against a running server.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { evaluate } from '../dist/engine/evaluate.js';
import { noHistory } from '../dist/engine/no-history.js';
import { renderLaml } from '../dist/laml.js';
import { serverParseOptions } from '../dist/rules/load.js';
import { parseRules } from '../dist/rules/parse.js';
import { buildMessagePool, fillSid, sidFor } from './messages.mjs';
import { generateRules, withMarker } from './rules-file.mjs';
import { repoRoot, startAutoreply } from './servers.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function loadRules(yaml) {
  const { ruleSet, problems } = parseRules(yaml, 'rules.yaml', serverParseOptions());
  if (!ruleSet) throw new Error(`the generated rules do not load:\n${problems.map((p) => `${p.line}: ${p.message}`).join('\n')}`);
  return ruleSet;
}

function toInbound(body, at) {
  const params = Object.fromEntries(new URLSearchParams(body));
  return { from: params.From, to: params.To, body: params.Body, numMedia: Number(params.NumMedia) || 0, params, receivedAt: at };
}

/** Microseconds per message to pick the rule and write the LaML, for each rule count. */
export function measureMatchRender(ruleCounts, { messages }) {
  const at = new Date('2026-12-02T10:30:00Z'); // a Wednesday morning in Berlin
  const out = [];
  for (const count of ruleCounts) {
    const { yaml, samples } = generateRules(count);
    const rs = loadRules(yaml);
    const inbound = buildMessagePool(samples, { count: 1000, seed: count }).map((b, i) => toInbound(fillSid(b, sidFor(1, i)), at));
    const answerAll = (n) => {
      let replied = 0;
      for (let i = 0; i < n; i++) {
        const { decision } = evaluate(rs, inbound[i % inbound.length], noHistory);
        renderLaml(decision.messages);
        if (decision.rule) replied++;
      }
      return replied;
    };
    answerAll(Math.min(messages, 2000)); // warm up the JIT
    const started = performance.now();
    const answered = answerAll(messages);
    const us = ((performance.now() - started) * 1000) / messages;
    out.push({ rules: rs.rules.length, usPerMessage: +us.toFixed(2), answeredByARule: +(answered / messages).toFixed(3) });
  }
  return out;
}

/**
 * Milliseconds to read, parse, compile and check a rules file with the server's own code: cold,
 * each in a fresh process as when the server starts (median of `coldRuns`; V8 has compiled
 * nothing yet, so this is the slow case), and warm, `repeats` times in this process as a hot
 * reload does it (median).
 */
export function measureLoad(count, { repeats, coldRuns, dir }) {
  const { yaml } = generateRules(count);
  const file = join(dir, `load-${count}.yaml`);
  writeFileSync(file, yaml);
  const cold = [];
  for (let i = 0; i < coldRuns; i++) {
    const out = execFileSync(process.execPath, [join(repoRoot, 'bench', 'load-once.mjs'), file], { encoding: 'utf8' });
    cold.push(JSON.parse(out).ms);
  }
  const warm = [];
  let rules = 0;
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    rules = loadRules(yaml).rules.length;
    warm.push(performance.now() - started);
  }
  return {
    rules,
    bytes: Buffer.byteLength(yaml),
    coldMedianMs: +median(cold).toFixed(1),
    coldMs: cold.map((ms) => +ms.toFixed(1)),
    warmMedianMs: +median(warm).toFixed(1),
  };
}

async function replyTo(url, body, sid, from) {
  const form = new URLSearchParams({ From: from, To: '+4930123456', Body: body, MessageSid: sid, NumMedia: '0' });
  const res = await fetch(`${url}/webhooks/sms`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return res.text();
}

/** File written → first request answered by the new rules, in ms, for each of `saves` saves. */
export async function measureHotReload(dir, count, { saves }) {
  const { yaml, samples } = generateRules(count);
  const rulesFile = join(dir, 'reload-rules.yaml');
  writeFileSync(rulesFile, yaml);
  const server = await startAutoreply({ rulesFile, databasePath: join(dir, 'reload.db'), logFile: join(dir, 'reload.log') });
  const probe = samples[0][0];
  const times = [];
  let n = 0;
  try {
    for (let save = 1; save <= saves; save++) {
      const marker = `v${save}x${Date.now()}`;
      writeFileSync(rulesFile, withMarker(yaml, marker));
      const started = performance.now();
      for (;;) {
        const xml = await replyTo(server.url, probe, sidFor(0xfeed, n), `+4917${String(n).padStart(8, '0')}`);
        n++;
        if (xml.includes(marker)) break;
        if (performance.now() - started > 10_000) throw new Error(`the new rules were not answering after 10 s (last answer: ${xml})`);
      }
      times.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await server.stop();
  }
  return { saves, rules: count, medianMs: +median(times).toFixed(1), maxMs: +Math.max(...times).toFixed(1), probes: n };
}
