// parseRules(text, file): the one way a rules file becomes rules — used by the server, the file
// watcher, `autoreply check` and `autoreply try`. Pure: it reads no files.
import { compileRules, type CompileExtras } from './compile.js';
import { hasErrors, sortProblems, type Problem } from './problems.js';
import { checkSchema } from './schema-check.js';
import { parseYamlSource } from './source-map.js';
import type { RuleSet } from './types.js';

export interface ParseResult {
  /** Present only when there is no error: a rules file with any error is never used. */
  ruleSet?: RuleSet;
  /** Every problem found, errors and warnings, sorted by position. */
  problems: Problem[];
}

export type RuleCheck = (ruleSet: RuleSet) => Problem[];

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
  const schemaProblems = checkSchema(doc, file);
  const { problems: compileProblems, build } = compileRules(doc, file, options);
  const problems = [...schemaProblems, ...compileProblems];
  if (hasErrors(problems)) return { problems: sortProblems(problems) };
  const ruleSet = build(text);
  for (const check of options.checks ?? []) problems.push(...check(ruleSet));
  return hasErrors(problems) ? { problems: sortProblems(problems) } : { ruleSet, problems: sortProblems(problems) };
}
