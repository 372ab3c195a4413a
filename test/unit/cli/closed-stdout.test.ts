// A reader that stops reading (`pulumi-lvs … | head`) must not turn into an EPIPE stack trace: the CLI drops the rest of
// its output and exits with its own code. The reader here is `true`, which exits before the CLI has written anything.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../../support/repo-root";

/** Runs `command | true` in bash; the command's own exit code and its stderr. */
function intoClosedPipe(command: string): { code: number; stderr: string } {
  const r = spawnSync("bash", ["-c", `${command} | true; exit \${PIPESTATUS[0]}`], { cwd: repoRoot(), encoding: "utf8", env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}` } });
  return { code: r.status ?? -1, stderr: r.stderr };
}

test("control: a Node program writing to a pipe its reader has closed dies with EPIPE (the setup reproduces the fault)", () => {
  const r = intoClosedPipe(`node -e 'setTimeout(() => process.stdout.write("x\\n"), 300)'`);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /EPIPE/);
});

test("validate and render into a closed pipe: no stack trace, the command's own exit code", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-epipe-"));
  try {
    for (const [command, code] of [
      ["node bin/pulumi-lvs validate examples/Pulumi.dr.yaml", 0],
      [`node bin/pulumi-lvs render examples/Pulumi.dr.yaml --out ${out}`, 0],
      ["node bin/pulumi-lvs validate examples/missing.yaml", 2],
    ] as const) {
      const r = intoClosedPipe(command);
      assert.equal(r.stderr.includes("EPIPE"), false, `${command}: ${r.stderr}`);
      assert.equal(r.code, code, `${command}: ${r.stderr}`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
