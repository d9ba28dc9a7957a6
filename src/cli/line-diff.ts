// A unified diff of two texts, line by line (longest common subsequence), for
// `autoreply rules-history --diff`. Rules files are small, so the plain table method is enough.

type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

function diffLines(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = length of the common subsequence of a[i..] and b[j..]
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', line: a[i], a: i++, b: j++ });
    // Removals before additions, as `diff -u` shows them.
    else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ kind: '-', line: a[i], a: i++, b: j });
    else ops.push({ kind: '+', line: b[j], a: i, b: j++ });
  }
  return ops;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `diff -u` style output; empty when the texts are equal. */
export function unifiedDiff(before: string, after: string, labelBefore: string, labelAfter: string, context = 3): string {
  const ops = diffLines(splitLines(before), splitLines(after));
  const changed = ops.map((o, k) => (o.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return '';
  let out = `--- ${labelBefore}\n+++ ${labelAfter}\n`;
  let k = 0;
  while (k < changed.length) {
    // Grow the hunk while the next change is close enough for the contexts to touch.
    let end = k;
    while (end + 1 < changed.length && changed[end + 1] - changed[end] <= 2 * context + 1) end++;
    const from = Math.max(0, changed[k] - context);
    const to = Math.min(ops.length - 1, changed[end] + context);
    const hunk = ops.slice(from, to + 1);
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    const aStart = aLen ? hunk.find((o) => o.kind !== '+')!.a + 1 : hunk[0].a;
    const bStart = bLen ? hunk.find((o) => o.kind !== '-')!.b + 1 : hunk[0].b;
    out += `@@ -${aStart},${aLen} +${bStart},${bLen} @@\n`;
    for (const o of hunk) out += `${o.kind}${o.line}\n`;
    k = end + 1;
  }
  return out;
}
