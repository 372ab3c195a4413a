// `npm run golden:update`: renders every example through the CLI and rewrites test/golden/<example>/, then lists
// what changed for review. A separate command, never part of a test run: a test that rewrote its own expectations
// would pass whatever the code under test did. Refuses to run under CI (CI set and not "false").
import * as path from "node:path";
import { examples, renderWithCli } from "./examples";
import { readTree, writeTree } from "./file-tree";
import { treeDifferences } from "./golden";
import { repoRoot } from "./repo-root";

export function refusesUnderCi(env: NodeJS.ProcessEnv): string | undefined {
  const ci = env.CI;
  if (ci !== undefined && ci !== "" && ci !== "false" && ci !== "0")
    return `golden:update refuses to run under CI (CI=${ci}): goldens are the spec, updated by a person who reviews the diff`;
  return undefined;
}

async function main(): Promise<number> {
  const refusal = refusesUnderCi(process.env);
  if (refusal) {
    console.error(refusal);
    return 2;
  }
  let changed = 0;
  for (const example of examples()) {
    const dir = path.join(repoRoot(), "test", "golden", example.name);
    const label = `test/golden/${example.name}`;
    const { tree } = await renderWithCli(example.file);
    const problems = treeDifferences(readTree(dir), tree, label);
    if (problems.length === 0) continue;
    writeTree(dir, tree);
    changed++;
    console.log(`${label}: rewritten (${problems.length} difference(s)):\n${problems.join("\n\n")}\n`);
  }
  console.log(changed === 0 ? "goldens: all up to date" : `goldens: ${changed} example(s) rewritten; review \`git diff test/golden\` before committing`);
  return 0;
}

if (require.main === module) main().then((code) => (process.exitCode = code));
