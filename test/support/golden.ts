// Compares a rendered tree with its committed golden tree; UPDATE_GOLDEN=1 rewrites the golden instead.
import { readTree, writeTree } from "./file-tree";
import { unifiedDiff } from "./text-diff";

export const updatingGoldens = process.env.UPDATE_GOLDEN === "1";

/** Every difference between two trees as readable text: missing and unexpected files, and a diff per changed file. */
export function treeDifferences(expected: Map<string, string>, actual: Map<string, string>, goldenLabel: string): string[] {
  const problems: string[] = [];
  for (const rel of expected.keys()) if (!actual.has(rel)) problems.push(`missing: ${goldenLabel}/${rel} is no longer rendered`);
  for (const rel of actual.keys()) if (!expected.has(rel)) problems.push(`unexpected: ${rel} is rendered but has no golden ${goldenLabel}/${rel}`);
  for (const [rel, content] of actual) {
    const want = expected.get(rel);
    if (want !== undefined && want !== content) problems.push(unifiedDiff(want, content, { expected: `${goldenLabel}/${rel} (golden)`, actual: `${rel} (rendered)` }));
  }
  return problems;
}

/** Returns the differences (empty when equal); with UPDATE_GOLDEN=1 writes `actual` as the golden and returns none. */
export function checkGoldenTree(goldenDir: string, goldenLabel: string, actual: Map<string, string>): string[] {
  if (updatingGoldens) {
    writeTree(goldenDir, actual);
    return [];
  }
  const expected = readTree(goldenDir);
  if (expected.size === 0) return [`no golden at ${goldenLabel}; run with UPDATE_GOLDEN=1, then review and commit it`];
  return treeDifferences(expected, actual, goldenLabel);
}
