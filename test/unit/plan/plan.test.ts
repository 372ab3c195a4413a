// The plan: everything the providers need per host, from one call; the component, the direct driver, the CLI and the
// demo derive none of it themselves.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseStackFile } from "../../../core/config/stack-file";
import { requireValidCluster } from "../../../core/config/validate";
import { hostPlan, planCluster, secretFilesOf } from "../../../core/plan";
import { joinFiles } from "../../../core/plan/desired";
import { structureOf, StructureError } from "../../../core/plan/structure";
import { root } from "../host/fixtures";

const configOf = (example: string) => requireValidCluster(parseStackFile(fs.readFileSync(path.join(root, "examples", `Pulumi.${example}.yaml`), "utf8")).cluster).config;

test("DR: the order (real servers, then directors by ascending priority), the VIPs, targets and what to ask which host", () => {
  const plan = planCluster(configOf("dr"));
  assert.deepEqual(plan.order, { realServers: ["r1", "r2", "r3"], directors: ["d2", "d1"] });
  assert.deepEqual(plan.vips, ["10.77.0.100"]);
  assert.deepEqual(plan.hosts.map((h) => [h.host, h.roles.join("+")]), [["d1", "director"], ["d2", "director"], ["r1", "realServer"], ["r2", "realServer"], ["r3", "realServer"]]);
  assert.equal(hostPlan(plan, "d1").target.address, "10.77.0.11");
  assert.deepEqual(plan.discovery.map((r) => r.id), ["interface:r1", "interface:r2", "interface:r3"]);
  assert.deepEqual(hostPlan(plan, "r2").discovery.map((r) => r.id), ["interface:r2"]);
  assert.deepEqual(hostPlan(plan, "d1").discovery, []);
  assert.throws(() => hostPlan(plan, "c1"), /c1 has no role/);
});

test("with the discovered values nothing is left pending or to ask, and the files hold them", () => {
  const plan = planCluster(configOf("dr"), { discovered: { macs: {}, interfaces: { r1: "ens3", r2: "ens3", r3: "ens3" } } });
  assert.deepEqual(plan.discovery, []);
  assert.deepEqual(plan.hosts.flatMap((h) => h.state.discover), []);
  assert.match(hostPlan(plan, "r1").desired.files["/etc/sysctl.d/90-pulumi-lvs.conf"], /^net\.ipv4\.conf\.ens3\.arp_ignore = 1$/m);
});

test("desired state split once: secret contents only in secretFiles, with the values when the plan had them", () => {
  const config = configOf("prod");
  const auth = "/etc/keepalived/pulumi-lvs-auth-VI_SHOP.conf";
  const offline = hostPlan(planCluster(config), "d1").desired;
  assert.match(offline.secretFiles[auth], /auth_pass <secret pulumi-lvs:vrrpPassword>/);
  const d1 = hostPlan(planCluster(config, { secrets: { vrrpPassword: "pw123" } }), "d1");
  assert.match(d1.desired.secretFiles[auth], /^auth_pass pw123$/m);
  assert.equal(auth in d1.desired.files, false);
  assert.ok(d1.desired.state.files.every((f) => f.content === ""), "the state carries no contents");
  assert.equal(d1.desired.hash, offline.hash, "secret contents never reach the hash");
  assert.deepEqual(joinFiles(d1.desired), d1.state);
  assert.deepEqual(secretFilesOf(planCluster(config), { vrrpPassword: "pw123" }).d1, d1.desired.secretFiles);
});

test("structure: names that are not plain strings cannot name resources", () => {
  assert.deepEqual(structureOf({}), { hosts: [], directors: [], members: new Set(), services: [] });
  assert.throws(() => structureOf({ hosts: [{ name: { apply() {} } }] }), (e: Error) => e instanceof StructureError && /hosts\[\]\.name must be a plain string/.test(e.message));
  assert.deepEqual([...planCluster(configOf("colocated")).structure.members].sort(), ["d1", "d2"]);
});

test("a sorry server is a real server of the plan: it is deployed, before the directors (it was left out once)", () => {
  const plan = planCluster(configOf("vocabulary"));
  assert.deepEqual(plan.order.realServers, ["r1", "r2", "r3"]);
  assert.ok(plan.structure.members.has("r3"));
  assert.deepEqual(hostPlan(plan, "r3").state.addresses.map((a) => a.address), ["10.77.0.150/32", "10.77.0.151/32"]);
  assert.throws(() => structureOf({ services: [{ name: "s", realServers: [], sorryServer: { host: { apply() {} } } }] }), /services\[\]\.sorryServer\.host must be a plain string/);
});
