// Every planner step against recorded facts: test/fixtures/steps/<step>/<case>.json = { state, facts, commands, changes }.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import type { HostState } from "../../../core";
import type { HostFacts } from "../../../host/facts/host-facts";
import { ensurePackages } from "../../../host/steps/packages";
import { ensureUsers } from "../../../host/steps/users";
import { ensureFiles, stageFiles } from "../../../host/steps/files";
import { ensureModules } from "../../../host/steps/modules";
import { ensureSysctls } from "../../../host/steps/sysctls";
import { ensureUnits } from "../../../host/steps/units";
import { ensureSyncDaemons } from "../../../host/steps/sync-daemons";
import { ensureNoStaleChains } from "../../../host/steps/iptables-chain";
import type { StepResult } from "../../../host/steps/step";
import { planHost, planPrepare, Plan } from "../../../host/plan";
import { applyScript, failedStep } from "../../../host/converge";
import { loadFixtures, root } from "./fixtures";
import { expandCommand, factsOf, FactsSpec, stateOf, StateSpec } from "./states";

const STEPS: Record<string, (s: HostState, f: HostFacts) => StepResult> = {
  packages: ensurePackages,
  users: ensureUsers,
  files: ensureFiles,
  "stage-files": stageFiles,
  modules: ensureModules,
  sysctls: ensureSysctls,
  units: ensureUnits,
  "sync-daemons": ensureSyncDaemons,
  "iptables-chains": ensureNoStaleChains,
};

interface StepCase {
  state: StateSpec;
  facts: FactsSpec;
  commands?: string[];
  changes?: string[];
  /** Instead of commands: the step must throw an error matching this regular expression. */
  error?: string;
}

const cases = loadFixtures<StepCase>("steps");

test("every step has fixtures, including an already-converged case, and every fixture names a known step", () => {
  assert.deepEqual([...new Set(cases.map((c) => c.group))].sort(), Object.keys(STEPS).sort());
  for (const step of Object.keys(STEPS)) {
    const converged = cases.filter((c) => c.group === step && c.data.commands?.length === 0);
    assert.ok(converged.length > 0, `step ${step} has no "already converged → no commands" fixture`);
    assert.ok(cases.some((c) => c.group === step && (c.data.commands?.length ?? 0) > 0), `step ${step} has no fixture that changes something`);
  }
});

for (const c of cases) {
  test(`step ${c.group}: ${c.name}`, () => {
    const state = stateOf(c.data.state);
    const facts = factsOf(state, c.data.facts);
    const step = STEPS[c.group];
    if (c.data.error !== undefined) {
      assert.throws(() => step(state, facts), new RegExp(c.data.error), c.file);
      return;
    }
    const result = step(state, facts);
    assert.deepEqual(result.commands, (c.data.commands ?? []).map((cmd) => expandCommand(state, cmd)), c.file);
    assert.deepEqual(result.changes, c.data.changes ?? [], c.file);
  });
}

const examples = fs
  .readdirSync(path.join(root, "examples"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((x): x is string => x !== undefined);

/** Every rendered host of every example, as its example and desired state. */
function exampleHosts(): { example: string; host: string; state: HostState }[] {
  const { parseStackFile } = require("../../../core/config/stack-file") as typeof import("../../../core/config/stack-file");
  const { renderFromConfig } = require("../../../core") as typeof import("../../../core");
  return examples.flatMap((example) => {
    const raw = parseStackFile(fs.readFileSync(path.join(root, "examples", `Pulumi.${example}.yaml`), "utf8")).cluster;
    return renderFromConfig(raw).hosts.map((h) => ({ example, host: h.host, state: stateOf({ example, host: h.host }) }));
  });
}

test("planHost: every host of every example, fully converged, needs zero commands", () => {
  let hosts = 0;
  for (const { example, state, host } of exampleHosts()) {
    const plan = planHost(state, factsOf(state, { base: "converged" }));
    assert.deepEqual(plan.commands, [], `${example} ${host}`);
    assert.deepEqual(plan.changes, [], `${example} ${host}`);
    assert.equal(applyScript(plan), "set -e\n", `${example} ${host}`);
    hosts++;
  }
  assert.ok(hosts >= 10, `only ${hosts} hosts rendered`);
});

test("planHost: a fresh director plans every step, in dependency order", () => {
  const state = stateOf({ example: "colocated", host: "d1" });
  const plan = planHost(state, factsOf(state, { base: "fresh" }));
  const names = plan.steps.filter((s) => s.result.commands.length > 0).map((s) => s.name);
  assert.deepEqual(names, ["packages", "users", "files", "modules", "sysctls", "units"]);
  assert.deepEqual(plan.commands, plan.steps.flatMap((s) => s.result.commands));
  // keepalived validates the staged config only after the package and the script user exist.
  const at = (re: RegExp) => plan.commands.findIndex((c) => re.test(c));
  assert.ok(at(/apt-get install/) < at(/useradd/) && at(/useradd/) < at(/keepalived --config-test/));
  assert.ok(at(/modprobe ip_vs$/) < at(/sysctl -q -w net\.ipv4\.vs\./));
});

/** What the prepare phase may never run: anything that changes traffic or the running config. */
const AT = String.raw`(?:^|[\s;&|(])`;
const TRAFFIC = [String.raw`systemctl `, String.raw`sysctl -`, String.raw`mv `, String.raw`ip (?:addr|link|route) `, String.raw`nft (?:-f|add|delete|flush)`, String.raw`iptables(?:-restore)? (?!-w 5 --test)`, String.raw`ipvsadm `].map((p) => new RegExp(AT + p));

test("planPrepare: every host of every example, from fresh: only packages, users, modules and staged, validated files; nothing that changes traffic", () => {
  let hosts = 0;
  for (const { example, state, host } of exampleHosts()) {
    if (state.files.some((f) => f.pending.length > 0)) continue; // needs a discovered value first
    const plan = planPrepare(state, factsOf(state, { base: "fresh" }));
    const installs = plan.steps.find((x) => x.name === "packages")!.result.commands;
    for (const c of plan.commands.filter((x) => !installs.includes(x))) for (const re of TRAFFIC) assert.doesNotMatch(c, re, `${example} ${host}: the prepare runs ${c}`);
    // Every file is staged beside its target and nothing writes the target itself.
    const written = plan.commands.flatMap((c) => [...c.matchAll(/> (\/\S+)\)/g)].map((m) => m[1]));
    for (const f of state.files) assert.ok(written.includes(`${f.path}.pulumi-lvs-staged`), `${example} ${host}: ${f.path} staged`);
    for (const w of written) assert.match(w, /\.pulumi-lvs-(staged|check)(\.noscripts)?$/, `${example} ${host}: ${w} is not a staged copy`);
    if (state.files.some((f) => f.path === "/etc/keepalived/keepalived.conf")) assert.ok(plan.commands.some((c) => /keepalived --config-test/.test(c)), `${example} ${host}: the staged config is validated`);
    // The commit after it finds every file staged: it moves them, and validates nothing again.
    const staged = factsOf(state, { base: "fresh", files: Object.fromEntries(state.files.map((f) => [`${f.path}.pulumi-lvs-staged`, "desired"])) });
    const commit = ensureFiles(state, staged);
    assert.deepEqual(commit.commands, state.files.map((f) => `mv -f ${f.path}.pulumi-lvs-staged ${f.path}`), `${example} ${host}`);
    assert.deepEqual(planPrepare(state, { ...staged, packages: [...state.packages], modules: [...state.modules], scriptUser: state.users.length > 0 }).commands, [], `${example} ${host}: prepared twice does nothing twice`);
    hosts++;
  }
  assert.ok(hosts >= 10, `only ${hosts} hosts prepared`);
});

function planOf(steps: Record<string, string[]>): Plan {
  const list = Object.entries(steps).map(([name, commands]) => ({ name, result: { commands, changes: commands.map((c) => `run ${c}`) } }));
  return { steps: list, commands: list.flatMap((s) => s.result.commands), changes: list.flatMap((s) => s.result.changes) };
}

test("applyScript: announces only steps with commands; run by sh it stops at the first failing command", () => {
  const plan = planOf({ packages: [], files: ["echo one", "echo two"], modules: ["echo three; false", "echo never"], units: ["echo never either"] });
  const script = applyScript(plan);
  assert.doesNotMatch(script, /@@step packages/);
  const run = spawnSync("/bin/sh", ["-s"], { input: script, encoding: "utf8" });
  assert.equal(run.status, 1);
  assert.equal(run.stdout, "@@step files\none\ntwo\n@@step modules\nthree\n");
  assert.equal(failedStep(run.stdout), "modules");
});

test("applyScript: a successful run announces every step and failedStep names the last one", () => {
  const run = spawnSync("/bin/sh", ["-s"], { input: applyScript(planOf({ files: ["true"], units: ["echo ok"] })), encoding: "utf8" });
  assert.equal(run.status, 0);
  assert.equal(run.stdout, "@@step files\n@@step units\nok\n");
});

test("failedStep: before any step marker it is the apply itself; markers inside other output do not count", () => {
  assert.equal(failedStep(""), "apply");
  assert.equal(failedStep("noise @@step files\n"), "apply");
  assert.equal(failedStep("@@step packages\nReading package lists...\n@@step users\n"), "users");
});
