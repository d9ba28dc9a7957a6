import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/cli/line-diff.js';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', 'A', 'B')).toBe('');
  });

  it('shows a change with three lines of context, removals first', () => {
    const a = lines(10);
    const b = [...a];
    b[4] = 'changed';
    expect(unifiedDiff(a.join('\n'), b.join('\n'), 'A', 'B')).toBe(
      '--- A\n+++ B\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+changed\n line 6\n line 7\n line 8\n',
    );
  });

  it('splits far-apart changes into separate hunks and handles additions at the end', () => {
    const a = lines(20);
    const b = [...a.slice(1), 'new last'];
    expect(unifiedDiff(a.join('\n'), b.join('\n'), 'A', 'B')).toBe(
      '--- A\n+++ B\n@@ -1,4 +1,3 @@\n-line 1\n line 2\n line 3\n line 4\n@@ -18,3 +17,4 @@\n line 18\n line 19\n line 20\n+new last\n',
    );
  });

  it('diffs from an empty text', () => {
    expect(unifiedDiff('', 'x\n', 'A', 'B')).toBe('--- A\n+++ B\n@@ -0,0 +1,1 @@\n+x\n');
  });
});
