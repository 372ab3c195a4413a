// Address-family rules: IPv6 VIPs in their own VRRP group, members and directors with an address of the VIP's
// family, no link-local or multicast VIPs, DR on one segment per family, VRRP versions, sync groups.
import { test } from "node:test";
import assert from "node:assert/strict";
import { validateCluster } from "../../../core/config/validate";
import { buildModel } from "../../../core/model/cluster";
import { assertAccepted, assertRejected, listing, RuleCase } from "./fixture";

const K = "pulumi-lvs:cluster";

/** The base DR cluster made dual-stack: every host gets an address6 in fd77::/64, and a second group carries web6. */
function dual(c: any): any {
  c.subnet6 = "fd77::/64";
  c.hosts.forEach((h: any, i: number) => (h.address6 = `fd77::${[11, 12, 21, 22][i]}`));
  c.vrrp = [{ name: "VI_4", syncGroup: "WEB" }, { name: "VI_6", syncGroup: "WEB" }];
  c.services[0].vrrp = "VI_4";
  c.services.push({ name: "web6", vip: "fd77::100", port: 80, vrrp: "VI_6", realServers: [{ host: "r1" }, { host: "r2" }] });
  return c;
}

const cases: RuleCase[] = [
  {
    name: "an IPv6 VIP in an IPv4 group",
    bad: (c) => (dual(c), (c.services[1].vrrp = "VI_4"), (c.vrrp = [{ name: "VI_4" }])),
    key: `${K}.services[1].vrrp`,
    message: /^puts IPv6 VIP fd77::100 in vrrp group "VI_4", which carries IPv4 \(services\[0\]\.vip 10\.77\.0\.100\): keepalived does not mix address families/,
    good: (c) => dual(c),
  },
  {
    name: "a groupVip of the other family",
    bad: (c) => (dual(c), (c.services[1].groupVips = ["10.77.0.101"])),
    key: `${K}.services[1].groupVips[0]`,
    message: /^10\.77\.0\.101 is IPv4 but the service's vip fd77::100 is IPv6/,
    good: (c) => (dual(c), (c.services[1].groupVips = ["fd77::101"])),
  },
  {
    name: "a member without an address of the VIP's family",
    bad: (c) => (dual(c), delete c.hosts[3].address6),
    key: `${K}.services[1].realServers[1].host`,
    message: /^"r2" has no IPv6 address, but the service's VIP fd77::100 is IPv6: set hosts\[\]\.address6/,
    good: (c) => (dual(c), delete c.hosts[3].address6, (c.services[1].realServers = [{ host: "r1" }])),
  },
  {
    name: "a director without an address of its group's family",
    bad: (c) => (dual(c), delete c.hosts[1].address6),
    key: `${K}.directors[1].host`,
    message: /^"d2" has no IPv6 address, but vrrp group "VI_6" carries IPv6 VIPs/,
    good: (c) => dual(c),
  },
  {
    name: "unicastPeers without a peer of the group's family",
    bad: (c) => (dual(c), (c.directors[0].unicastPeers = ["10.77.0.12"])),
    key: `${K}.directors[0].unicastPeers`,
    message: /^lists no IPv6 peer, but vrrp group "VI_6" is IPv6/,
    good: (c) => (dual(c), (c.directors[0].unicastPeers = ["10.77.0.12", "fd77::12"])),
  },
  {
    name: "a link-local VIP",
    bad: (c) => (dual(c), (c.services[1].vip = "fe80::100")),
    key: `${K}.services[1].vip`,
    message: /^fe80::100 is a link-local address \(fe80::\/10\).*so it cannot be a VIP \(keepalived would add fe80::100\/128/,
    good: (c) => (dual(c), (c.services[1].vip = "fd77::100")),
  },
  {
    name: "a multicast VIP",
    bad: (c) => (dual(c), (c.services[1].vip = "ff02::12")),
    key: `${K}.services[1].vip`,
    message: /^ff02::12 is a multicast address \(ff00::\/8\), so it cannot be a VIP/,
    good: (c) => (dual(c), (c.services[1].vip = "fd77::ff02")),
  },
  {
    name: "an IPv6 VIP that is a host's address6 (however written)",
    bad: (c) => (dual(c), (c.services[1].vip = "fd77:0:0::0021")),
    key: `${K}.services[1].vip`,
    message: /is the address of host "r1"/,
    good: (c) => (dual(c), (c.services[1].vip = "fd77:0:0::0121")),
  },
  {
    name: "IPv6 DR needs an IPv6 subnet",
    bad: (c) => (dual(c), delete c.subnet6),
    key: `${K}.subnet6`,
    message: /^is required for IPv6 DR services \(hosts d1, d2, r1, r2 have no IPv6 subnet\)/,
    good: (c) => (dual(c), delete c.subnet6, c.hosts.forEach((h: any) => (h.subnet6 = "fd77::/64"))),
  },
  {
    name: "IPv6 DR: a real server on another IPv6 segment",
    bad: (c) => (dual(c), (c.hosts[2].address6 = "fd78::21"), (c.hosts[2].subnet6 = "fd78::/64")),
    key: `${K}.hosts[2].subnet6`,
    message: /^"r1" is on fd78::\/64 but director "d1" is on fd77::\/64; IPv6 DR needs directors and real servers on the same L2 segment/,
    good: (c) => (dual(c), (c.hosts[2].address6 = "fd77::21"), (c.hosts[2].subnet6 = "fd77::/64")),
  },
  {
    name: "IPv6 DR: an address6 outside the IPv6 subnet",
    bad: (c) => (dual(c), (c.hosts[3].address6 = "fd99::22")),
    key: `${K}.hosts[3].address6`,
    message: /^fd99::22 is not inside its IPv6 subnet fd77::\/64$/,
    good: (c) => (dual(c), (c.hosts[3].address6 = "fd77::1:22")),
  },
  {
    name: "DR segments are per family: the IPv4 one does not constrain the IPv6 one",
    bad: (c) => (dual(c), (c.hosts[2].address = "10.78.0.21")),
    key: `${K}.hosts[2].address`,
    message: /not inside its subnet 10\.77\.0\.0\/24/,
    good: (c) => (dual(c), (c.hosts[2].address6 = "fd77::2:21")),
  },
  {
    name: "VRRPv2 for an IPv6 group",
    bad: (c) => (dual(c), (c.vrrp[1].version = 2)),
    key: `${K}.vrrp[1].version`,
    message: /^is 2, but group "VI_6" carries IPv6 VIPs: VRRPv2 is IPv4 only/,
    good: (c) => (dual(c), (c.vrrp[1].version = 3)),
  },
  {
    name: "authentication with VRRPv3",
    bad: (c) => (dual(c), (c.vrrp[0].version = 3), (c.vrrp[0].auth = { password: { secret: "vrrpPassword" } })),
    key: `${K}.vrrp[0].auth`,
    message: /^is set, but group "VI_4" runs VRRPv3, which has no authentication/,
    good: (c) => (dual(c), (c.vrrp[0].version = 2), (c.vrrp[0].auth = { password: { secret: "vrrpPassword" } })),
  },
  {
    name: "a syncGroup of one group",
    bad: (c) => (dual(c), (c.vrrp[1].syncGroup = "WEB6")),
    key: `${K}.vrrp[1].syncGroup`,
    message: /^"WEB6" is named by no other vrrp group: a sync group needs at least two groups/,
    good: (c) => (dual(c), (c.vrrp[1].syncGroup = "WEB")),
  },
  {
    name: "weighted tracking in a sync group",
    bad: (c) => (dual(c), (c.vrrp[1].trackScripts = [{ name: "chk", script: "/bin/true", weight: -60 }])),
    key: `${K}.vrrp[1].trackScripts[0].weight`,
    message: /^is -60, but group "VI_6" is in syncGroup "WEB", and keepalived ignores weighted tracking/,
    good: (c) => (dual(c), (c.vrrp[1].trackScripts = [{ name: "chk", script: "/bin/true", weight: 0 }])),
  },
  {
    name: "address6 beside an IPv6 address",
    bad: (c) => (dual(c), (c.hosts[3].address = "fd77::22"), (c.hosts[3].address6 = "fd77::122")),
    key: `${K}.hosts[3].address6`,
    message: /^is set, but "address" fd77::22 is already IPv6/,
    good: (c) => (dual(c), (c.hosts[3].address = "10.77.0.22"), (c.hosts[3].address6 = "fd77::122")),
  },
  {
    name: "IPv6 TUN is refused for now",
    bad: (c) => (dual(c), (c.services[1].forwarding = "TUN")),
    key: `${K}.services[1].forwarding`,
    message: /^TUN is not supported for IPv6 services yet/,
    good: (c) => (dual(c), (c.services[1].forwarding = "NAT")),
  },
  {
    name: "co-located IPv6 with the iptables backend is refused",
    bad: (c) => (dual(c), (c.services[1].realServers = [{ host: "d1" }, { host: "d2" }]), (c.directors[0].firewall = "iptables")),
    key: `${K}.directors[0].firewall`,
    message: /^is iptables, but service "web6" has an IPv6 VIP with fwmark rules/,
    good: (c) => (dual(c), (c.services[1].realServers = [{ host: "d1" }, { host: "d2" }]), (c.directors[0].firewall = "nftables")),
  },
  {
    name: "schema: an IPv6 prefix beyond 128",
    bad: (c) => (dual(c), (c.subnet6 = "fd77::/129")),
    key: `${K}.subnet6`,
    message: /expected an IPv6 prefix like fd77::\/64/,
    good: (c) => (dual(c), (c.subnet6 = "fd77::/64")),
  },
  {
    name: "schema: address6 must be IPv6",
    bad: (c) => (dual(c), (c.hosts[0].address6 = "10.77.0.111")),
    key: `${K}.hosts[0].address6`,
    message: /^must be a valid IPv6 address$/,
    good: (c) => (dual(c), (c.hosts[0].address6 = "fd77::11")),
  },
  {
    name: "schema: vrrp version is 2 or 3",
    bad: (c) => (dual(c), (c.vrrp[1].version = 4)),
    key: `${K}.vrrp[1].version`,
    message: /must be one of: 2, 3/,
    good: (c) => (dual(c), (c.vrrp[1].version = 3)),
  },
];

for (const c of cases) {
  test(`families: ${c.name}`, () => {
    assertRejected(((x) => (c.bad(x), x))(baseClusterCopy()), c.key, c.message);
    assertAccepted(((x) => (c.good(x), x))(baseClusterCopy()));
  });
}

import { baseCluster } from "./fixture";
const baseClusterCopy = () => baseCluster();

test("families: a v6-only host (IPv6 `address`) can serve an IPv6 service", () => {
  const c = dual(baseCluster());
  c.hosts[3].address = "fd77::22";
  delete c.hosts[3].address6;
  c.services[0].realServers = [{ host: "r1" }];
  assertAccepted(c);
});

test("families: the dual-stack IPv4 and IPv6 groups without a common syncGroup draw a warning", () => {
  const c = dual(baseCluster());
  delete c.vrrp[0].syncGroup;
  delete c.vrrp[1].syncGroup;
  const result = validateCluster(c);
  assert.equal(result.ok, true, listing(result));
  const w = result.issues.find((i) => i.key === `${K}.vrrp[1].syncGroup`);
  assert.equal(w?.severity, "warning", listing(result));
  assert.match(w!.message, /services "http" \(IPv4, group "VI_4"\) and "web6" \(IPv6, group "VI_6"\) have the same members but their groups share no syncGroup/);
  assert.equal(validateCluster(dual(baseCluster())).issues.length, 0, "with the syncGroup there is no warning");
});

test("families: the model reaches members and peers at their address of the VIP's family, canonical", () => {
  const c = dual(baseCluster());
  c.hosts[2].address6 = "FD77:0:0:0::21";
  c.services[1].vip = "fd77:0::100";
  const model = buildModel(assertAccepted(c).config!);
  assert.deepEqual(model.services[1].members.map((m) => m.address), ["fd77::21", "fd77::22"]);
  assert.equal(model.services[1].vip, "fd77::100");
  assert.deepEqual(model.services[0].members.map((m) => m.address), ["10.77.0.21", "10.77.0.22"]);
  const [g4, g6] = model.groups;
  assert.deepEqual([g4.family, g4.version, g6.family, g6.version], [4, undefined, 6, 3]);
  assert.deepEqual(g6.members.map((m) => [m.address, m.unicastPeers]), [["fd77::11", ["fd77::12"]], ["fd77::12", ["fd77::11"]]]);
  assert.deepEqual(g4.members.map((m) => [m.address, m.unicastPeers]), [["10.77.0.11", ["10.77.0.12"]], ["10.77.0.12", ["10.77.0.11"]]]);
  assert.deepEqual(model.realServers.map((r) => r.vips), [["10.77.0.100", "fd77::100"], ["10.77.0.100", "fd77::100"]]);
});
