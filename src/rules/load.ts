// Reads a rules file from disk and hands the text to parseRules.
import { readFile } from 'node:fs/promises';
import { parseRules, type ParseOptions, type ParseResult } from './parse.js';
import { standardChecks } from './checks.js';

export interface LoadResult extends ParseResult {
  /** The text that was read (absent when the file could not be read). */
  text?: string;
}

/** The options the server and `autoreply check` both use, so they agree on every file. */
export function serverParseOptions(): ParseOptions {
  return standardChecks();
}

export async function loadRulesFile(path: string, displayName = path): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'the file does not exist'
        : code === 'EACCES'
          ? 'the file cannot be read (no permission)'
          : code === 'EISDIR'
            ? 'this is a folder, not a file'
            : `the file cannot be read (${code ?? (err as Error).message})`;
    return {
      problems: [{ file: displayName, line: 1, col: 1, length: 1, severity: 'error', kind: 'file', message: why }],
    };
  }
  return { text, ...parseRules(text, displayName, serverParseOptions()) };
}
