// The model's small parts as data: IPv4 prefixes, and the discovery holes a render fills or leaves pending.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inCidr, ipToInt, parseCidr, sameNetwork } from "../../../core/model/cidr";
import { Holes, pendingIds, shown } from "../../../core/model/discovery";

const prefixes: [string, { network: number; prefix: number } | undefined][] = [
  ["10.1.2.3/24", { network: ipToInt("10.1.2.0"), prefix: 24 }],
  ["10.1.2.3/32", { network: ipToInt("10.1.2.3"), prefix: 32 }],
  ["10.1.2.3/0", { network: 0, prefix: 0 }],
  ["10.255.2.3/1", { network: 0, prefix: 1 }],
  ["200.1.2.3/1", { network: ipToInt("128.0.0.0"), prefix: 1 }],
  ["10.1.2.3/33", undefined],
  ["10.1.2.3/-1", undefined],
  ["10.1.2.3/8.5", undefined],
  ["10.1.2.3", undefined],
  ["/24", undefined],
  ["10.1.256.3/24", undefined],
  ["10.1.255.3/24", { network: ipToInt("10.1.255.0"), prefix: 24 }],
];
for (const [cidr, want] of prefixes) test(`parseCidr ${cidr}`, () => assert.deepEqual(parseCidr(cidr), want));

test("inCidr: inside, outside, the edges, /0 and an unreadable prefix", () => {
  assert.equal(inCidr("10.1.2.200", "10.1.2.0/24"), true);
  assert.equal(inCidr("10.1.3.1", "10.1.2.0/24"), false);
  assert.equal(inCidr("10.1.2.255", "10.1.2.128/25"), true);
  assert.equal(inCidr("10.1.2.127", "10.1.2.128/25"), false);
  assert.equal(inCidr("192.168.0.1", "10.0.0.0/0"), true);
  assert.equal(inCidr("10.1.2.3", "10.1.2.3/32"), true);
  assert.equal(inCidr("10.1.2.4", "10.1.2.3/32"), false);
  assert.equal(inCidr("10.1.2.3", "10.1.2.0/40"), false);
  assert.equal(inCidr("0.0.0.0", "garbage"), false);
});

test("sameNetwork: one segment however written; a different prefix or an unreadable side is not", () => {
  assert.equal(sameNetwork("10.0.0.1/24", "10.0.0.0/24"), true);
  assert.equal(sameNetwork("10.0.0.1/24", "10.0.0.1/25"), false);
  assert.equal(sameNetwork("10.0.1.1/24", "10.0.0.1/24"), false);
  assert.equal(sameNetwork("10.0.0.1/24", "nonsense"), false);
  assert.equal(sameNetwork("nonsense", "10.0.0.1/24"), false);
  assert.equal(sameNetwork("x/y", "x/y"), false, "two unreadable prefixes are not one network");
});

test("holes: a discovered value fills the hole (MACs lower-cased); a missing one stays pending, listed once per use", () => {
  const holes = new Holes({ macs: { d2: "52:54:00:AB:CD:EF" }, interfaces: { r1: "ens3" } });
  assert.equal(holes.fill("mac", "d2", "eth0", "nft"), "52:54:00:ab:cd:ef");
  assert.equal(holes.fill("interface", "r1", "10.0.0.11", "sysctl"), "ens3");
  assert.deepEqual(holes.uses, [], "nothing pending when everything was found");
  assert.deepEqual(holes.fill("mac", "d1", "eth0", "nft"), { pending: "mac:d1" });
  holes.fill("mac", "d1", "eth0", "nft");
  holes.fill("mac", "d1", "eth0", "status");
  holes.fill("interface", "r2", "10.0.0.11", "nft");
  assert.deepEqual(holes.uses, [
    { id: "mac:d1", host: "d1", what: "mac", detail: "eth0", usedBy: "nft" },
    { id: "mac:d1", host: "d1", what: "mac", detail: "eth0", usedBy: "status" },
    { id: "interface:r2", host: "r2", what: "interface", detail: "10.0.0.11", usedBy: "nft" },
  ]);
  assert.deepEqual(new Holes().fill("interface", "r1", "x", "y"), { pending: "interface:r1" }, "nothing discovered: pending");
  assert.deepEqual(new Holes({ macs: { r1: "52:54:00:00:00:01" }, interfaces: {} }).fill("interface", "r1", "x", "y"), { pending: "interface:r1" }, "a MAC does not answer an interface");
});

test("holes: a value inherited from Object.prototype is not a discovered value", () => {
  assert.deepEqual(new Holes({ macs: {}, interfaces: {} }).fill("interface", "constructor", "x", "y"), { pending: "interface:constructor" });
});

test("shown and pendingIds: how a hole stands in text, and each pending id once in order", () => {
  assert.equal(shown("eth0"), "eth0");
  assert.equal(shown({ pending: "mac:d2" }), "<discover mac:d2>");
  assert.deepEqual(pendingIds(["a", { pending: "mac:d2" }, { pending: "interface:r1" }, { pending: "mac:d2" }]), ["mac:d2", "interface:r1"]);
  assert.deepEqual(pendingIds(["a", "b"]), []);
});

import * as fs from "node:fs";
import * as path from "node:path";
import type { ClusterConfig } from "../../../core/config/schema";
import { parseStackFile } from "../../../core/config/stack-file";
import { requireValidCluster } from "../../../core/config/validate";
import { assignFwmarks, buildModel } from "../../../core/model/cluster";
import { root } from "../host/fixtures";

const example = (name: string) => parseStackFile(fs.readFileSync(path.join(root, "examples", `Pulumi.${name}.yaml`), "utf8")).cluster as Record<string, any>;
const valid = (c: unknown): ClusterConfig => requireValidCluster(c).config;

test("fwmarks: explicit marks stay; co-located DR services get the lowest free mark; other services none", () => {
  const config = {
    directors: [{ host: "d1" }, { host: "d2" }],
    services: [
      { forwarding: "DR", fwmark: 1, realServers: [{ host: "r1" }] },
      { forwarding: "DR", realServers: [{ host: "d1" }, { host: "r1" }] },
      { forwarding: "DR", realServers: [{ host: "r1" }] },
      { forwarding: "TUN", realServers: [{ host: "d2" }] },
      { forwarding: "DR", fwmark: 3, realServers: [{ host: "d2" }] },
      { forwarding: "DR", realServers: [{ host: "d2" }] },
    ],
  } as unknown as ClusterConfig;
  assert.deepEqual(assignFwmarks(config), [1, 2, undefined, undefined, 3, 4]);
});

test("model: a director's MAC is kept lower-case, and co-located DR services mark their ports", () => {
  const c = example("colocated");
  c.directors[0].mac = "52:54:00:AA:BB:CC";
  const model = buildModel(valid(c));
  assert.equal(model.directors[0].mac, "52:54:00:aa:bb:cc");
  const s = model.services[0];
  assert.ok(s.fwmark !== undefined && s.markPorts.length > 0, `a co-located DR service marks its ports: ${JSON.stringify(s.markPorts)}`);
  const dr = buildModel(valid(example("dr")));
  assert.deepEqual(dr.services.map((x) => [x.fwmark, x.markPorts]), [[undefined, []]], "a plain DR service marks nothing");
});

test("model: a real server tunnels when any of its services is TUN; peers are listed only for unicast groups", () => {
  const c = example("dr");
  c.services.push({ ...c.services[0], name: "tun", vip: "10.77.0.101", forwarding: "TUN", realServers: [{ host: "r1" }] });
  c.vrrp[0].unicast = false;
  const model = buildModel(valid(c));
  assert.deepEqual(model.realServers.map((r) => [r.host, r.tunnel, r.vips]), [["r1", true, ["10.77.0.100", "10.77.0.101"]], ["r2", false, ["10.77.0.100"]], ["r3", false, ["10.77.0.100"]]]);
  assert.deepEqual(model.groups[0].members.map((m) => m.unicastPeers), [[], []], "multicast: no peers");
  c.vrrp[0].unicast = true;
  assert.deepEqual(buildModel(valid(c)).groups[0].members.map((m) => m.unicastPeers), [["10.77.0.12"], ["10.77.0.11"]]);
});

test("model: each VRRP group carries only the VIPs of its own services", () => {
  const c = example("dr");
  c.vrrp.push({ name: "VI_TWO", advertInt: 1 });
  c.services[0].vrrp = "VI_WEB";
  c.services.push({ ...c.services[0], name: "two", vip: "10.77.0.102", vrrp: "VI_TWO" });
  const model = buildModel(valid(c));
  assert.deepEqual(model.groups.map((g) => [g.name, g.vips]), [["VI_WEB", ["10.77.0.100"]], ["VI_TWO", ["10.77.0.102"]]]);
});
