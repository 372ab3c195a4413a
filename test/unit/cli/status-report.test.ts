// `pulumi-lvs status` as data: test/fixtures/status/<example>/<case>.json = { description, example, facts, expected }.
// facts are what each host's read-only round trip returned (or { error }); expected lists the VRRP state per
// director and group, the masters per group, and every problem as "<code> <host or group>".
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseStackFile } from "../../../core/config/stack-file";
import { requireValidCluster } from "../../../core/config/validate";
import { buildModel } from "../../../core/model/cluster";
import { renderCluster } from "../../../core/render/host-state";
import { formatStatus, HostResult, statusPlans, statusReport } from "../../../cli/status-report";
import { loadFixtures, root } from "../host/fixtures";

interface StatusCase {
  description: string;
  example: string;
  facts: Record<string, HostResult>;
  expected: { ok: boolean; states: Record<string, Record<string, string>>; masters: Record<string, string[]>; problems: string[] };
}

function exampleModel(name: string) {
  const stack = parseStackFile(fs.readFileSync(path.join(root, "examples", `Pulumi.${name}.yaml`), "utf8"));
  const model = buildModel(requireValidCluster(stack.cluster).config);
  return { model, hosts: renderCluster(model) };
}

const cases = loadFixtures<StatusCase>("status");

test("status fixtures exist for the dr and colocated examples", () => {
  assert.ok(cases.filter((c) => c.group === "dr").length >= 10);
  assert.ok(cases.some((c) => c.group === "colocated"));
});

for (const c of cases) {
  test(`status ${c.group}: ${c.name} — ${c.data.description}`, () => {
    assert.equal(c.data.example, c.group, `${c.file}: example must match its folder`);
    const { model, hosts } = exampleModel(c.data.example);
    const report = statusReport(model, hosts, c.data.facts);
    const states = Object.fromEntries(report.directors.map((d) => [d.host, Object.fromEntries(d.groups.map((g) => [g.group, g.state]))]));
    assert.deepEqual(states, c.data.expected.states, `${c.file}: states`);
    assert.deepEqual(Object.fromEntries(report.groups.map((g) => [g.group, g.masters])), c.data.expected.masters, `${c.file}: masters`);
    assert.deepEqual(report.problems.map((p) => `${p.code} ${p.host ?? p.group}`).sort(), c.data.expected.problems, `${c.file}: problems\n${report.problems.map((p) => p.message).join("\n")}`);
    assert.equal(report.ok, c.data.expected.ok);
    // Every problem names what to fix, and the text lists each one.
    const text = formatStatus(report).join("\n");
    for (const p of report.problems) assert.ok(text.includes(p.message), `${c.file}: text lacks ${p.message}`);
    assert.equal(text.includes("no problems"), report.ok);
  });
}

test("status text: VRRP line per group, one line per director, the IPVS table with host names and counters", () => {
  const c = cases.find((x) => x.group === "dr" && x.name === "healthy")!;
  const { model, hosts } = exampleModel("dr");
  const lines = formatStatus(statusReport(model, hosts, c.data.facts));
  assert.equal(lines[0], "cluster web");
  assert.match(lines[1], /^VRRP VI_WEB \(VRID \d+, VIPs 10\.77\.0\.100\): MASTER d1$/);
  assert.match(lines[2], /^ {2}d1 +MASTER +priority 150 +keepalived active +holds 10\.77\.0\.100 +\(journal since 2026-11-23T01:20:04\+0000\)$/);
  assert.match(lines[3], /^ {2}d2 +BACKUP +priority 100 +keepalived active +holds - /);
  assert.ok(lines.includes("IPVS on d1:"));
  assert.ok(lines.some((l) => /^ {2}TCP 10\.77\.0\.100:80 +rr +\(service http\)$/.test(l)), lines.join("\n"));
  assert.ok(lines.some((l) => /^ {4}-> r1 10\.77\.0\.21:80 +Route +weight 1 +active 0 +inactive 4$/.test(l)), lines.join("\n"));
  assert.ok(lines.some((l) => /^ {2}r2 +lvs0: 10\.77\.0\.100 bound; arp_ignore=1 arp_announce=2 \(eth0\) ok$/.test(l)), lines.join("\n"));
});

test("status plans: directors read keepalived, their VRRP interfaces and IPVS; real servers lvs0 and ARP toward the first director", () => {
  assert.deepEqual(statusPlans(exampleModel("dr").model), {
    d1: { director: true, vrrpInterfaces: ["eth0"] },
    d2: { director: true, vrrpInterfaces: ["eth0"] },
    r1: { director: false, vrrpInterfaces: [], realServer: { interface: null, toward: "10.77.0.11" } },
    r2: { director: false, vrrpInterfaces: [], realServer: { interface: null, toward: "10.77.0.11" } },
    r3: { director: false, vrrpInterfaces: [], realServer: { interface: null, toward: "10.77.0.11" } },
  });
  const co = statusPlans(exampleModel("colocated").model);
  assert.deepEqual(co.d1, { director: true, vrrpInterfaces: ["eth0"], realServer: { interface: "eth0", toward: "10.77.0.11" } });
});
