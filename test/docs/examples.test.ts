// Every rules file shown in the guide and the README works as written: it loads without an error
// and its tests pass, through the same loader and checks as the server. Snippets (blocks without
// "version:" and "rules:") are checked as YAML only.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { serverParseOptions } from '../../src/rules/load.js';
import { parseRules } from '../../src/rules/parse.js';
import { formatProblems } from '../../src/rules/problems.js';

function yamlBlocks(file: string): { file: string; line: number; text: string }[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: { file: string; line: number; text: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```yaml') continue;
    const start = i + 1;
    while (++i < lines.length && lines[i].trim() !== '```');
    blocks.push({ file, line: start + 1, text: lines.slice(start, i).join('\n') + '\n' });
  }
  return blocks;
}

const blocks = ['docs/rules.md', 'README.md'].flatMap(yamlBlocks);
const isWholeFile = (text: string) => /^version:/m.test(text) && /^rules:/m.test(text);

describe('rules files in the docs', () => {
  it('finds the examples', () => {
    expect(blocks.filter((b) => isWholeFile(b.text)).length).toBeGreaterThanOrEqual(10);
  });

  it.each(blocks.filter((b) => isWholeFile(b.text)).map((b) => [`${b.file}:${b.line}`, b] as const))('%s loads and its tests pass', (_, b) => {
    const { ruleSet, problems } = parseRules(b.text, 'example.yaml', serverParseOptions());
    const errors = problems.filter((p) => p.severity === 'error');
    expect(formatProblems(errors, b.text)).toBe('');
    expect(ruleSet).toBeDefined();
  });

  it.each(blocks.filter((b) => !isWholeFile(b.text)).map((b) => [`${b.file}:${b.line}`, b] as const))('%s is valid YAML', (_, b) => {
    expect(parseDocument(b.text).errors).toEqual([]);
  });
});
