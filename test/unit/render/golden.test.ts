// Every example rendered through the CLI (`render --out`) equals its committed golden tree under test/golden/<example>/:
// each host's files and manifest.json. Regenerate with `npm run golden:update` (a separate command that refuses to run
// under CI) and review the diff before committing; no environment variable makes this test write its expectations.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { examples, renderWithCli } from "../../support/examples";
import { checkGoldenTree, treeDifferences } from "../../support/golden";
import { refusesUnderCi } from "../../support/update-goldens";
import { repoRoot } from "../../support/repo-root";
import { unifiedDiff } from "../../support/text-diff";

for (const example of examples()) {
  test(`golden: ${example.name} renders exactly test/golden/${example.name}/`, async () => {
    const { tree } = await renderWithCli(example.file);
    const label = `test/golden/${example.name}`;
    const problems = checkGoldenTree(path.join(repoRoot(), "test", "golden", example.name), label, tree);
    assert.equal(problems.length, 0, `${example.name}: render differs from ${label} (npm run golden:update to accept, then review):\n${problems.join("\n\n")}`);
  });
}

test("the golden comparison never writes: a stale golden fails even with UPDATE_GOLDEN=1 (the old update switch)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-golden-"));
  fs.mkdirSync(path.join(dir, "d1"));
  fs.writeFileSync(path.join(dir, "d1", "a.conf"), "old\n");
  const saved = process.env.UPDATE_GOLDEN;
  process.env.UPDATE_GOLDEN = "1";
  try {
    const problems = checkGoldenTree(dir, "g", new Map([["d1/a.conf", "new\n"]]));
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^-old$/m);
    assert.equal(fs.readFileSync(path.join(dir, "d1", "a.conf"), "utf8"), "old\n", "the golden was rewritten by the comparison");
  } finally {
    if (saved === undefined) delete process.env.UPDATE_GOLDEN;
    else process.env.UPDATE_GOLDEN = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("golden:update refuses to run under CI", () => {
  assert.match(refusesUnderCi({ CI: "true" }) ?? "", /refuses to run under CI \(CI=true\)/);
  assert.match(refusesUnderCi({ CI: "1" }) ?? "", /refuses/);
  assert.equal(refusesUnderCi({}), undefined);
  assert.equal(refusesUnderCi({ CI: "false" }), undefined);
  const run = spawnSync(process.execPath, [path.join(__dirname, "..", "..", "support", "update-goldens.js")], { env: { ...process.env, CI: "true" }, encoding: "utf8" });
  assert.equal(run.status, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /refuses to run under CI/);
});

test("golden comparison reports a changed line as a diff, and missing and unexpected files", () => {
  const golden = new Map([
    ["d1/etc/a.conf", "one\ntwo\nthree\n"],
    ["d1/etc/gone.conf", "x\n"],
  ]);
  const rendered = new Map([
    ["d1/etc/a.conf", "one\n2\nthree\n"],
    ["d1/etc/new.conf", "y\n"],
  ]);
  const problems = treeDifferences(golden, rendered, "test/golden/x");
  assert.equal(problems.length, 3);
  assert.match(problems.join("\n"), /missing: test\/golden\/x\/d1\/etc\/gone\.conf/);
  assert.match(problems.join("\n"), /unexpected: d1\/etc\/new\.conf/);
  assert.match(problems.join("\n"), /^-two$/m);
  assert.match(problems.join("\n"), /^\+2$/m);
  assert.deepEqual(treeDifferences(golden, new Map(golden), "g"), []);
});

test("unified diff shows hunks with context and line numbers", () => {
  const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
  const after = before.replace("line 5\n", "line five\n").replace("line 18\n", "");
  const diff = unifiedDiff(before, after);
  assert.equal(
    diff,
    [
      "--- expected",
      "+++ actual",
      "@@ -2,7 +2,7 @@",
      " line 2",
      " line 3",
      " line 4",
      "-line 5",
      "+line five",
      " line 6",
      " line 7",
      " line 8",
      "@@ -15,7 +15,6 @@",
      " line 15",
      " line 16",
      " line 17",
      "-line 18",
      " line 19",
      " line 20",
      " ",
    ].join("\n"),
  );
  assert.equal(unifiedDiff("same\n", "same\n"), "");
  assert.match(unifiedDiff("a\n", "a"), /newline at end of file: expected true, actual false/);
});
