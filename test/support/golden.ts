// Compares a rendered tree with its committed golden tree. Comparing never writes: the goldens are updated only by
// the separate command `npm run golden:update` (test/support/update-goldens.ts), which refuses to run under CI.
import { readTree } from "./file-tree";
import { unifiedDiff } from "./text-diff";

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

/** The differences between the committed golden tree and `actual` (empty when equal). Never writes. */
export function checkGoldenTree(goldenDir: string, goldenLabel: string, actual: Map<string, string>): string[] {
  const expected = readTree(goldenDir);
  if (expected.size === 0) return [`no golden at ${goldenLabel}; run \`npm run golden:update\`, then review and commit it`];
  return treeDifferences(expected, actual, goldenLabel);
}
