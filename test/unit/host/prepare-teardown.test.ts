// Undoing a prepare whose commit never came: what the prepare added goes back to the baseline it recorded, and only
// that — never a file in place, a sysctl or a unit, which are the commit's. After the commit's own teardown nothing
// is left for it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Baseline } from "../../../host/baseline";
import { planPrepareTeardown } from "../../../host/teardown";
import { factsOf, stateOf } from "./states";

const fresh: Baseline = { sysctls: {}, modules: [], foreignFiles: [], keepalivedActive: false, keepalivedEnabled: false, scriptUser: false, packages: [] };

describe("planPrepareTeardown", () => {
  const d1 = stateOf({ example: "colocated", host: "d1" });
  const staged = Object.fromEntries(d1.files.map((f) => [`${f.path}.pulumi-lvs-staged`, "desired" as const]));
  // As the prepare leaves a fresh director: packages in, keepalived enabled by its package, modules loaded, the
  // script user created, every file staged, nothing in place.
  const prepared = factsOf(d1, {
    base: "fresh",
    packages: [...d1.packages],
    modules: [...d1.modules],
    scriptUser: d1.users.length > 0,
    files: staged,
    units: { "keepalived.service": { active: "inactive", enabled: "enabled", mainPid: 0, loaded: true } },
  });

  it("a prepared fresh director: staged copies removed, keepalived disabled again, modules unloaded (ip_vs last), the script user removed", () => {
    assert.ok(d1.users.length > 0 && d1.modules.includes("ip_vs"), "the example has a script user and ip_vs");
    const plan = planPrepareTeardown(d1, prepared, fresh);
    assert.equal(plan.commands[0], `rm -f ${d1.files.map((f) => `${f.path}.pulumi-lvs-staged`).join(" ")}`);
    assert.ok(plan.changes.includes("return keepalived to its previous state"), plan.changes.join("; "));
    const unloads = plan.commands.filter((c) => c.startsWith("modprobe -r"));
    assert.equal(unloads.length, d1.modules.length);
    assert.match(unloads[unloads.length - 1], /^modprobe -r ip_vs /);
    assert.ok(plan.commands.includes("userdel keepalived_script || true"), plan.commands.join("\n"));
    for (const c of plan.commands) assert.doesNotMatch(c, /(^|\s)(sysctl|nft|ip) |systemctl (stop|disable --now)|rm -f \/etc\/(keepalived|systemd|sysctl)\S*[^d] /, c);
  });

  it("what was there before the prepare stays: modules, the user, keepalived enabled", () => {
    const before: Baseline = { ...fresh, modules: [...d1.modules], scriptUser: true, keepalivedEnabled: true, packages: [...d1.packages] };
    const plan = planPrepareTeardown(d1, prepared, before);
    assert.deepEqual(plan.changes, d1.files.map((f) => `remove ${f.path}.pulumi-lvs-staged`));
  });

  it("never a sysctl: those are the commit's, even when the prepare's baseline (recorded on a converged host) differs", () => {
    const rs = stateOf({ example: "dr", host: "r1" });
    const facts = factsOf(rs, { base: "fresh", sysctls: Object.fromEntries(Object.keys(rs.sysctls).map((k) => [k, "0"])) });
    const recordedConverged: Baseline = { ...fresh, sysctls: { ...rs.sysctls } };
    assert.ok(Object.keys(rs.sysctls).length > 0);
    assert.deepEqual(planPrepareTeardown(rs, facts, recordedConverged).commands, []);
  });

  it("after the commit's own teardown: nothing left to do", () => {
    const tornDown = factsOf(d1, { base: "fresh", packages: [...d1.packages], units: { "keepalived.service": { active: "inactive", enabled: "disabled", mainPid: 0, loaded: true } } });
    assert.deepEqual(planPrepareTeardown(d1, tornDown, fresh).commands, []);
  });
});
