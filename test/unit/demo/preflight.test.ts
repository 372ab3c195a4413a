// The demo's set-up check: as root it installs what is missing (so `npm ci && npm run demo` is the whole set-up);
// otherwise it stops before booting anything and says exactly what to run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { preflight, PreflightDeps, systemDeps } from "../../../demo/preflight";
import { repoRoot } from "../../support/repo-root";

function deps(o: { root: boolean; missing: string[][]; install?: boolean }): PreflightDeps & { installs: number } {
  const answers = [...o.missing];
  const d = {
    installs: 0,
    isRoot: () => o.root,
    missing: () => answers.shift() ?? [],
    install: () => {
      d.installs++;
      return o.install ?? true;
    },
    say: () => undefined,
  };
  return d;
}

test("root with everything present: ready, nothing installed", () => {
  const d = deps({ root: true, missing: [[]] });
  assert.deepEqual(preflight(d), { ok: true, installed: [] });
  assert.equal(d.installs, 0);
});

test("root with packages missing: installs them, then checks again", () => {
  const d = deps({ root: true, missing: [["keepalived", "qemu-utils"], []] });
  assert.deepEqual(preflight(d), { ok: true, installed: ["keepalived", "qemu-utils"] });
  assert.equal(d.installs, 1);
});

test("a failed or incomplete install stops the demo with the command to run", () => {
  const failed = preflight(deps({ root: true, missing: [["debootstrap"]], install: false }));
  assert.equal(failed.ok, false);
  assert.match((failed as { message: string }).message, /installing debootstrap failed .*run: bash \.ci\/install-system-packages/);
  const partial = preflight(deps({ root: true, missing: [["debootstrap", "cpio"], ["cpio"]] }));
  assert.match((partial as { message: string }).message, /still missing after the install: cpio; run: apt-get install cpio/);
});

test("not root: stops before anything, naming sudo and the missing packages", () => {
  const d = deps({ root: false, missing: [["keepalived"]] });
  const r = preflight(d);
  assert.equal(r.ok, false);
  assert.match((r as { message: string }).message, /needs root: run it as root \(sudo -E npm run demo\).*keepalived.*sudo bash \.ci\/install-system-packages/);
  assert.equal(d.installs, 0, "nothing is installed without root");
});

test("the real check: the packages CI installs (.ci/run runs the installer first) are all present here; a missing one is named", () => {
  assert.deepEqual(systemDeps(repoRoot(), () => undefined).missing(), []);
  // Control: the same check over a list with a package that is not installed names it and exits 1.
  const script = path.join(repoRoot(), ".ci", "install-system-packages");
  const r = spawnSync("bash", ["-c", `sed 's/^  keepalived ipvsadm$/  keepalived ipvsadm pulumi-lvs-no-such-package/' ${script} | bash -s -- --check`], { encoding: "utf8" });
  assert.equal(r.status, 1);
  assert.equal(r.stdout.trim(), "pulumi-lvs-no-such-package");
});
