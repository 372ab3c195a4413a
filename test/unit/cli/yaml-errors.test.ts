// YAML the parser rejects: every error names the file, line and column; the CLI exits 2 without a stack trace.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { main } from "../../../cli/main";
import { parseStackFile, StackFileSyntaxError } from "../../../core/config/stack-file";
import { captureIo } from "../../support/examples";
import { repoRoot } from "../../support/repo-root";

const BROKEN = ["config:", "  pulumi-lvs:cluster:", "    name: web", "    name: again", "    hosts: [ { name: d1 }", ""].join("\n");

function brokenFile(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-yaml-")), "Pulumi.broken.yaml");
  fs.writeFileSync(file, BROKEN);
  return file;
}

test("yaml: each syntax error as file:line:column, in file order", () => {
  assert.throws(
    () => parseStackFile(BROKEN, "Pulumi.broken.yaml"),
    (e: unknown) =>
      e instanceof StackFileSyntaxError &&
      e.errors.length >= 2 &&
      /^Pulumi\.broken\.yaml:4:5: Map keys must be unique$/m.test(e.message) &&
      e.message.split("\n").every((l) => /^Pulumi\.broken\.yaml:\d+:\d+: \S/.test(l)),
  );
  assert.throws(() => parseStackFile("config:\n\tpulumi-lvs:cluster: {}\n", "x.yaml"), /^StackFileSyntaxError: x\.yaml:2:1: /);
});

test("yaml: validate prints every syntax error with file, line and column, exit 2", async () => {
  const file = brokenFile();
  const io = captureIo();
  const code = await main(["validate", file], io);
  assert.equal(code, 2);
  assert.ok(io.stderr.length >= 2, io.stderr.join("\n"));
  for (const line of io.stderr) assert.match(line, new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: `));
  assert.deepEqual(io.stdout, []);
});

test("yaml: the installed command exits non-zero with no stack trace", () => {
  const run = spawnSync(process.execPath, [path.join(repoRoot(), "bin", "pulumi-lvs"), "render", brokenFile(), "--out", os.tmpdir()], { encoding: "utf8" });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /^error: .*Pulumi\.broken\.yaml:4:5: Map keys must be unique$/m);
  assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
});
