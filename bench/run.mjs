// `npm run bench`: autoreply against a bare Koa app on the same machine, in the same run
// (issue 6). Prints a table and writes bench/results.json. `--quick` runs everything tiny.
//   node bench/run.mjs [--quick] [--out file.json] [--only name,name] [--cpu-prof dir]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { measureHotReload, measureLoad, measureMatchRender } from './micro.mjs';
import { checkTargets, computeRatios, describeMachine, formatTable } from './report.mjs';
import { runScenario, scenarioList } from './scenarios.mjs';
import { repoRoot } from './servers.mjs';

export const fullSettings = {
  connections: 50,
  seconds: 10,
  warmupSeconds: 2,
  rate: 1000,
  steadySeconds: 5,
  steadyConnections: 50,
  rules: 50,
  manyRules: 1000,
  microRules: [10, 100, 1000, 10000],
  microMessages: 20000,
  loadRules: 1000,
  loadRepeats: 5,
  loadColdRuns: 7,
  reloadSaves: 20,
};

export const quickSettings = {
  ...fullSettings,
  connections: 4,
  seconds: 1,
  warmupSeconds: 0,
  rate: 100,
  steadySeconds: 1,
  steadyConnections: 4,
  rules: 20,
  manyRules: 100,
  microRules: [10, 100],
  microMessages: 500,
  loadRules: 100,
  loadRepeats: 2,
  loadColdRuns: 2,
  reloadSaves: 3,
};

export function parseArgs(argv) {
  const args = { quick: false, out: join(repoRoot, 'bench', 'results.json'), only: null, cpuProfDir: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--out') args.out = resolve(argv[++i]);
    else if (a === '--only') args.only = argv[++i].split(',');
    else if (a === '--cpu-prof') args.cpuProfDir = resolve(argv[++i]);
    else throw new Error(`unknown option ${a}; the options are --quick, --out <file>, --only <scenario,...>, --cpu-prof <folder>`);
  }
  return args;
}

export async function runBench(args, log = (line) => process.stdout.write(`${line}\n`)) {
  const settings = { ...(args.quick ? quickSettings : fullSettings), cpuProfDir: args.cpuProfDir };
  const dir = mkdtempSync(join(tmpdir(), 'autoreply-bench-'));
  try {
    const scenarios = [];
    for (const scenario of scenarioList(settings)) {
      if (args.only && !args.only.includes(scenario.name)) continue;
      log(`running ${scenario.name} ...`);
      scenarios.push(await runScenario(scenario, settings, dir));
    }
    log('running the in-process figures ...');
    const micro = {
      matchRender: measureMatchRender(settings.microRules, { messages: settings.microMessages }),
      load: measureLoad(settings.loadRules, { repeats: settings.loadRepeats, coldRuns: settings.loadColdRuns, dir }),
      reload: await measureHotReload(dir, settings.rules, { saves: settings.reloadSaves }),
    };
    const byName = Object.fromEntries(scenarios.map((s) => [s.name, s]));
    const ratios = computeRatios(byName);
    const results = {
      at: new Date().toISOString(),
      quick: args.quick,
      machine: describeMachine(),
      settings: { ...settings, cpuProfDir: undefined },
      scenarios,
      ratios,
      micro,
      targets: args.only ? {} : checkTargets(byName, ratios, micro),
    };
    writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
    log('');
    log(formatTable(results));
    log('');
    log(`written to ${args.out}`);
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await runBench(parseArgs(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`bench: ${err.stack ?? err}\n`);
    process.exitCode = 1;
  }
}
