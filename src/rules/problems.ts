// One shape for every problem found in a rules file, and the one formatter that the server log,
// `autoreply check` and the golden tests all share.

export type Severity = 'error' | 'warning';

export interface Problem {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
  /** How many characters to underline (at least 1). */
  length: number;
  severity: Severity;
  message: string;
  /** A short, stable name for the kind of problem, e.g. "unknown-key". */
  kind: string;
  hint?: string;
  /** Further lines printed under the problem, e.g. a failed test's `expected:` and `got:`. */
  details?: string[];
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      a.message.localeCompare(b.message),
  );
}

export function hasErrors(problems: Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** `FILE:LINE:COL: severity: message [kind]`, the first line of a problem as `check` prints it. */
export function formatProblemLine(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.severity}: ${p.message} [${p.kind}]`;
}

/** The first line plus a failed test's expected/got, on one line: what the server logs and records. */
export function formatProblemForLog(p: Problem): string {
  return p.details?.length ? `${formatProblemLine(p)} (${p.details.map((d) => d.replace(/\s+/g, ' ')).join('; ')})` : formatProblemLine(p);
}

/**
 * Each problem as its first line, then the source line with a `^~~~` marker under the
 * column, then the hint if there is one (the layout of actionlint's errors).
 */
export function formatProblems(problems: Problem[], source: string): string {
  const lines = source.split(/\r?\n/);
  const out: string[] = [];
  for (const p of sortProblems(problems)) {
    out.push(formatProblemLine(p));
    const text = lines[p.line - 1];
    if (text !== undefined && text.trim() !== '') {
      const gutter = String(p.line).padStart(4);
      out.push(`${gutter} | ${text}`);
      const width = Math.max(1, Math.min(p.length, text.length - (p.col - 1)));
      out.push(`${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, p.col - 1))}^${'~'.repeat(width - 1)}`);
    }
    for (const d of p.details ?? []) out.push(`  ${d}`);
    if (p.hint) out.push(`  hint: ${p.hint}`);
  }
  return out.join('\n');
}

export function problemsToJson(problems: Problem[]): object[] {
  return sortProblems(problems).map((p) => ({
    file: p.file,
    line: p.line,
    column: p.col,
    length: p.length,
    severity: p.severity,
    message: p.message,
    kind: p.kind,
    ...(p.hint ? { hint: p.hint } : {}),
    ...(p.details?.length ? { details: p.details } : {}),
  }));
}
