// The plan's parts one by one, as data: what discovery asks which host (and which key it names), the apply order, the
// live director order and how it is described, and the SSH target's defaults and overrides.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ClusterConfig } from "../../../core/config/schema";
import { parseStackFile } from "../../../core/config/stack-file";
import { requireValidCluster } from "../../../core/config/validate";
import { planCluster } from "../../../core/plan";
import { describeDiscovered } from "../../../core/plan/discovery";
import { applyOrder, describeDirectorOrder, describeStaticOrder, liveDirectorOrder } from "../../../core/plan/order";
import { structureOf } from "../../../core/plan/structure";
import { targetOf } from "../../../core/plan/target";
import { root } from "../host/fixtures";

const raw = (example: string) => parseStackFile(fs.readFileSync(path.join(root, "examples", `Pulumi.${example}.yaml`), "utf8")).cluster as Record<string, unknown>;
const valid = (c: unknown): ClusterConfig => requireValidCluster(c).config;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

test("discovery: a director's MAC names the key of that director's own entry, asked on the interface it serves", () => {
  const c = clone(raw("colocated")) as { directors: Record<string, unknown>[] };
  delete c.directors[1].mac; // d2 is the second director: its key must say [1]
  const plan = planCluster(valid(c));
  const macs = plan.discovery.filter((r) => r.what === "mac");
  assert.deepEqual(macs, [{ id: "mac:d2", host: "d2", what: "mac", from: "eth0", configKey: "pulumi-lvs:cluster.directors[1].mac" }]);
});

test("discovery: a real server's interface is found by the route toward a director, and names its realServers entry", () => {
  const plan = planCluster(valid(raw("dr")));
  const r2 = plan.discovery.find((r) => r.host === "r2");
  // r2 is not listed under realServers in the DR example: the key says to add it.
  assert.deepEqual(r2, { id: "interface:r2", host: "r2", what: "interface", from: "10.77.0.11", configKey: "pulumi-lvs:cluster.realServers (add { host: r2, interface: … })" });
  const c = clone(raw("dr")) as Record<string, unknown>;
  c.realServers = [{ host: "r3" }, { host: "r2" }];
  const listed = planCluster(valid(c)).discovery.find((r) => r.host === "r2");
  assert.equal(listed?.configKey, "pulumi-lvs:cluster.realServers[1].interface");
  assert.equal(planCluster(valid(c)).discovery.find((r) => r.host === "r3")?.configKey, "pulumi-lvs:cluster.realServers[0].interface");
  assert.equal(listed?.known, undefined, "with other directors the interface is read on the host");
});

test("discovery: a co-located director asks for the route toward the other director; a lone one knows its own interface", () => {
  const c = clone(raw("colocated")) as { realServers: Record<string, unknown>[] };
  for (const r of c.realServers) delete r.interface;
  const asked = planCluster(valid(c)).discovery.filter((r) => r.what === "interface");
  assert.deepEqual(asked.map((r) => [r.host, r.from, r.known]), [["d1", "10.77.0.12", undefined], ["d2", "10.77.0.11", undefined]]);
  assert.deepEqual(asked.map((r) => r.configKey), ["pulumi-lvs:cluster.realServers[0].interface", "pulumi-lvs:cluster.realServers[1].interface"]);
});

test("discovery: one request per value however many files use it, and the log line names each value found", () => {
  const plan = planCluster(valid(raw("dr")));
  assert.equal(new Set(plan.discovery.map((r) => r.id)).size, plan.discovery.length);
  assert.equal(describeDiscovered({ macs: { d2: "52:54:00:77:00:12" }, interfaces: { r1: "eth0", r2: "ens3" } }), "MAC of d2: 52:54:00:77:00:12, interface of r1: eth0, interface of r2: ens3");
  assert.equal(describeDiscovered({ macs: {}, interfaces: {} }), "");
});

const orders: { name: string; structure: Parameters<typeof applyOrder>[0]; want: ReturnType<typeof applyOrder> }[] = [
  {
    name: "members that are not directors first, in host order; directors by ascending priority",
    structure: { hosts: ["r2", "d1", "r1", "d2", "c9"], directors: [{ host: "d1", priority: 150 }, { host: "d2", priority: 100 }], members: new Set(["r1", "r2"]) },
    want: { realServers: ["r2", "r1"], directors: ["d2", "d1"] },
  },
  {
    name: "a co-located director is a director, not a real server; a host in no role is in neither",
    structure: { hosts: ["d1", "d2", "x"], directors: [{ host: "d2", priority: 90 }, { host: "d1", priority: 200 }], members: new Set(["d1", "d2"]) },
    want: { realServers: [], directors: ["d2", "d1"] },
  },
];
for (const o of orders) test(`apply order: ${o.name}`, () => assert.deepEqual(applyOrder(o.structure), o.want));

test("live director order: non-holders first in static order, then the holders; described with what each holds", () => {
  assert.deepEqual(liveDirectorOrder(["d3", "d2", "d1"], ["d2"]), ["d3", "d1", "d2"]);
  assert.deepEqual(liveDirectorOrder(["d2", "d1"], []), ["d2", "d1"]);
  assert.deepEqual(liveDirectorOrder(["d2", "d1"], ["d1", "d2"]), ["d2", "d1"]);
  assert.equal(describeDirectorOrder(["d2", "d1"], { d1: ["10.0.0.1", "10.0.0.2"], d3: ["10.0.0.3"] }), "director order: d2, d1 (d1 holds 10.0.0.1, 10.0.0.2; d3 holds 10.0.0.3)");
  assert.equal(describeDirectorOrder(["d2", "d1"], {}), "director order: d2, d1 (no director holds a VIP)");
  assert.equal(describeStaticOrder(["d2", "d1"], "liveOrder is off"), "director order: d2, d1 (static: liveOrder is off)");
});

test("structure: priorities default to 0, members and services are collected by name", () => {
  const s = structureOf({ hosts: [{ name: "a" }], directors: [{ host: "a" }], services: [{ name: "web", realServers: [{ host: "a" }, { host: "b" }] }, { name: "dns" }] });
  assert.deepEqual(s, { hosts: ["a"], directors: [{ host: "a", priority: 0 }], members: new Set(["a", "b"]), services: ["web", "dns"] });
  assert.throws(() => structureOf({ services: [{ name: 7 }] }), /services\[\]\.name must be a plain string/);
  assert.throws(() => structureOf({ services: [{ name: "x", realServers: [{ host: null }] }] }), /services\[\]\.realServers\[\]\.host must be a plain string/);
  assert.throws(() => structureOf({ directors: [{ host: 1 }] }), /directors\[\]\.host must be a plain string/);
});

test("SSH target: defaults when nothing is set", () => {
  const c = clone(raw("dr"));
  c.ssh = {};
  c.hosts = [{ name: "d1", address: "10.77.0.11" }, ...(c.hosts as unknown[]).slice(1)];
  assert.deepEqual(targetOf(valid(c), "d1"), {
    address: "10.77.0.11",
    port: 22,
    user: "root",
    privateKeySecret: undefined,
    passwordSecret: undefined,
    privateKeyFile: undefined,
    agent: false,
    fingerprints: [],
    knownHostsFile: undefined,
    trustOnFirstUse: false,
    bastion: undefined,
    connectTimeoutSeconds: 20,
    commandTimeoutSeconds: 300,
  });
});

test("SSH target: a host's own settings override the cluster's, key by key; the host key and bastion come through", () => {
  const c = clone(raw("dr"));
  c.ssh = { user: "deploy", port: 2200, agent: true, trustOnFirstUse: true, connectTimeoutSeconds: 5, commandTimeoutSeconds: 60, privateKey: { secret: "sshKey" }, bastion: { address: "10.77.0.1" } };
  const hostKey = "SHA256:" + "A".repeat(43);
  c.hosts = [{ name: "d1", address: "10.77.0.11", sshAddress: "10.77.0.111", hostKey, ssh: { user: "ops", password: { secret: "pw" } } }, ...(c.hosts as unknown[]).slice(1)];
  const t = targetOf(valid(c), "d1");
  assert.deepEqual(
    { address: t.address, port: t.port, user: t.user, agent: t.agent, tofu: t.trustOnFirstUse, key: t.privateKeySecret, pw: t.passwordSecret, fp: t.fingerprints, bastion: t.bastion, timeouts: [t.connectTimeoutSeconds, t.commandTimeoutSeconds] },
    { address: "10.77.0.111", port: 2200, user: "ops", agent: true, tofu: true, key: "sshKey", pw: "pw", fp: [hostKey], bastion: { address: "10.77.0.1", port: 22, user: undefined, hostKey: undefined }, timeouts: [5, 60] },
  );
  assert.equal(targetOf(valid(c), "d2").user, "deploy", "another host keeps the cluster's settings");
  assert.throws(() => targetOf(valid(c), "nope"), /^Error: no host named nope in the cluster config$/);
});
