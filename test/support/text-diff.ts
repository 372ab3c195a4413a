// A small line diff (LCS) printed like `diff -u`, so a golden mismatch reads as what changed.

type Op = { kind: " " | "-" | "+"; line: string };

function lineOps(a: string[], b: string[]): Op[] {
  // LCS table over the lines left after trimming the common head and tail (goldens are small).
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: Op[] = a.slice(0, head).map((line) => ({ kind: " ", line }));
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      ops.push({ kind: " ", line: x[i] });
      i++;
      j++;
    } else if (i < x.length && (j === y.length || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ kind: "-", line: x[i++] });
    else ops.push({ kind: "+", line: y[j++] });
  }
  for (const line of a.slice(a.length - tail)) ops.push({ kind: " ", line });
  return ops;
}

/** `--- expected` / `+++ actual` hunks with `context` lines around each change; "" when equal. */
export function unifiedDiff(expected: string, actual: string, labels = { expected: "expected", actual: "actual" }, context = 3): string {
  if (expected === actual) return "";
  const ops = lineOps(expected.split("\n"), actual.split("\n"));
  const changed = ops.map((op, k) => (op.kind !== " " ? k : -1)).filter((k) => k >= 0);
  const out = [`--- ${labels.expected}`, `+++ ${labels.actual}`];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k] - context);
    let end = changed[k];
    while (k < changed.length && changed[k] <= end + 2 * context + 1) end = changed[k++];
    const stop = Math.min(ops.length, end + context + 1);
    let aLine = 1;
    let bLine = 1;
    for (const op of ops.slice(0, start)) {
      if (op.kind !== "+") aLine++;
      if (op.kind !== "-") bLine++;
    }
    const hunk = ops.slice(start, stop);
    const aLen = hunk.filter((op) => op.kind !== "+").length;
    const bLen = hunk.filter((op) => op.kind !== "-").length;
    out.push(`@@ -${aLine},${aLen} +${bLine},${bLen} @@`, ...hunk.map((op) => `${op.kind}${op.line}`));
  }
  if (!expected.endsWith("\n") || !actual.endsWith("\n")) {
    if (expected.endsWith("\n") !== actual.endsWith("\n")) out.push(`(newline at end of file: expected ${expected.endsWith("\n")}, actual ${actual.endsWith("\n")})`);
  }
  return out.join("\n");
}
