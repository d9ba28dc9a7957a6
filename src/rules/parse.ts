// parseRules(text, file): the one way a rules file becomes rules — used by the server, the file
// watcher, `autoreply check` and `autoreply try`. Pure: it reads no files.
import { compileRules, type CompileExtras } from './compile.js';
import { hasErrors, sortProblems, type Problem } from './problems.js';
import { checkSchema } from './schema-check.js';
import { parseYamlSource, type SourceDoc } from './source-map.js';
import type { RuleSet } from './types.js';

export interface ParseResult {
  /** Present only when there is no error: a rules file with any error is never used. */
  ruleSet?: RuleSet;
  /** Every problem found, errors and warnings, sorted by position. */
  problems: Problem[];
  /** What the file holds, for `check`'s last line (absent when it is not even valid YAML). */
  summary?: ParseSummary;
}

export interface ParseSummary {
  rules: number;
  tests: number;
  /** False when other errors kept the tests from running. */
  testsRun: boolean;
  testsFailed: number;
}

/** A check on a compiled rule set; `doc` gives positions in the file. */
export type RuleCheck = (ruleSet: RuleSet, doc: SourceDoc) => Problem[];

export interface ParseOptions extends CompileExtras {
  /** Further checks on a compiled rule set (the file's own tests, warnings). */
  checks?: RuleCheck[];
}

export function parseRules(text: string, file: string, options: ParseOptions = {}): ParseResult {
  const { doc, problems: syntax } = parseYamlSource(text, file);
  if (!doc) return { problems: sortProblems(syntax) };
  if (doc.data === null || doc.data === undefined) {
    return {
      problems: [
        { file, line: 1, col: 1, length: 1, severity: 'error', kind: 'schema', message: 'the file is empty; it needs at least "version: 1" and "rules:"' },
      ],
    };
  }
  const data = doc.data as { rules?: unknown; tests?: unknown };
  const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  const summary: ParseSummary = { rules: count(data.rules), tests: count(data.tests), testsRun: false, testsFailed: 0 };
  const schemaProblems = checkSchema(doc, file);
  const { problems: compileProblems, build } = compileRules(doc, file, options);
  const problems = [...schemaProblems, ...compileProblems];
  if (hasErrors(problems)) return { problems: sortProblems(problems), summary };
  const ruleSet = build(text);
  for (const check of options.checks ?? []) problems.push(...check(ruleSet, doc));
  summary.testsRun = (options.checks ?? []).length > 0;
  summary.testsFailed = problems.filter((p) => p.kind === 'test').length;
  return hasErrors(problems) ? { problems: sortProblems(problems), summary } : { ruleSet, problems: sortProblems(problems), summary };
}
