// `autoreply check [FILE]`: reads a rules file exactly as the server would (same loader, same
// checks, the file's own tests), prints every problem and a summary, and exits 1 when the server
// would refuse the file. Like promtool's `check rules`, for people who are not programmers.
import type { Command } from 'commander';
import { defaults } from '../config.js';
import { loadRulesFile } from '../rules/load.js';
import type { ParseSummary } from '../rules/parse.js';
import { formatProblems, hasErrors, problemsToJson, type Problem } from '../rules/problems.js';
import { checkChoice, runAudit } from './audit-args.js';
import { exitCodes, type Io } from './io.js';

const formats = ['text', 'json'] as const;

export function registerCheck(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('check')
    .description('check a rules file for mistakes and run its tests, exactly as the server would load it')
    .argument('[file]', `the rules file (env RULES_FILE, default ${defaults.rulesFile})`)
    .option('--format <format>', 'text, or json (a list of problems, for editors and CI)', 'text')
    .action((fileArg: string | undefined, opts: { format: string }) => {
      let refused = false;
      return runAudit(io, (code) => done(refused && code === exitCodes.ok ? exitCodes.problem : code), async () => {
        const format = checkChoice(opts.format, '--format', formats);
        const file = fileArg || io.env.RULES_FILE || defaults.rulesFile;
        const result = await loadRulesFile(file);
        refused = hasErrors(result.problems);
        if (format === 'json') {
          io.stdout(`${JSON.stringify(problemsToJson(result.problems), null, 2)}\n`);
          return;
        }
        const listed = result.problems.length ? `${formatProblems(result.problems, result.text ?? '')}\n` : '';
        io.stdout(`${listed}${summaryLine(file, result.problems, result.summary)}\n`);
      });
    });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `rules.yaml: 14 rules, 9 tests passed`, or what keeps the server from using the file. */
export function summaryLine(file: string, problems: Problem[], summary: ParseSummary | undefined): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const parts: string[] = [];
  if (summary) {
    parts.push(plural(summary.rules, 'rule'));
    if (!summary.testsRun) parts.push(summary.tests ? `${plural(summary.tests, 'test')} not run until the errors are fixed` : 'no tests');
    else if (summary.testsFailed) parts.push(`${summary.tests - summary.testsFailed} of ${plural(summary.tests, 'test')} passed`);
    else parts.push(summary.tests ? `${plural(summary.tests, 'test')} passed` : 'no tests');
  }
  if (warnings) parts.push(plural(warnings, 'warning'));
  if (errors) return `${file}: ${plural(errors, 'error')}${parts.length ? ` (${parts.join(', ')})` : ''}; the server would not use this file`;
  return `${file}: ${parts.join(', ')}`;
}
