// One cold load, as the server's start does it: a fresh Node process that has imported the code,
// then reads, parses, compiles and checks the rules file (loadRulesFile). Prints the milliseconds.
//   node bench/load-once.mjs <rules.yaml>
import { performance } from 'node:perf_hooks';
import { loadRulesFile } from '../dist/rules/load.js';

const started = performance.now();
const { ruleSet, problems } = await loadRulesFile(process.argv[2]);
const ms = performance.now() - started;
if (!ruleSet) throw new Error(`the rules do not load:\n${problems.map((p) => `${p.line}: ${p.message}`).join('\n')}`);
process.stdout.write(`${JSON.stringify({ ms, rules: ruleSet.rules.length })}\n`);
