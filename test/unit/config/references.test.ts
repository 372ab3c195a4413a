// Cross-references: host names, duplicate hosts/addresses/entries, and which VRRP group carries each service.
import { test } from "node:test";
import assert from "node:assert/strict";
import { validateCluster } from "../../../core/config/validate";
import { assertAccepted, assertRejected, listing, mutated, RuleCase, withSecondGroup } from "./fixture";

const K = "pulumi-lvs:cluster";

const cases: RuleCase[] = [
  {
    name: "a director naming an unknown host",
    bad: (c) => (c.directors[1].host = "d3"),
    key: `${K}.directors[1].host`,
    message: /^names host "d3", which is not in pulumi-lvs:cluster\.hosts$/,
    good: (c) => c.hosts.push({ name: "d3", address: "10.77.0.13" }) && (c.directors[1].host = "d3"),
  },
  {
    name: "a service member naming an unknown host",
    bad: (c) => (c.services[0].realServers[1].host = "r9"),
    key: `${K}.services[0].realServers[1].host`,
    message: /names host "r9", which is not in pulumi-lvs:cluster\.hosts/,
    good: (c) => c.hosts.push({ name: "r9", address: "10.77.0.29" }) && (c.services[0].realServers[1].host = "r9"),
  },
  {
    name: "real-server options for an unknown host",
    bad: (c) => (c.realServers = [{ host: "r7", interface: "eth1" }]),
    key: `${K}.realServers[0].host`,
    message: /names host "r7"/,
    good: (c) => (c.realServers = [{ host: "r1", interface: "eth1" }]),
  },
  {
    name: "real-server options listed twice",
    bad: (c) => (c.realServers = [{ host: "r1" }, { host: "r1", interface: "eth1" }]),
    key: `${K}.realServers[1].host`,
    message: /^"r1" is already listed as realServers\[0\]; merge the two entries$/,
    good: (c) => (c.realServers = [{ host: "r1", interface: "eth1" }]),
  },
  {
    name: "duplicate host names",
    bad: (c) => (c.hosts[3].name = "r1"),
    key: `${K}.hosts[3].name`,
    message: /^duplicates hosts\[2\]\.name "r1"$/,
    good: (c) => (c.hosts[3].name = "r3") && (c.services[0].realServers[1].host = "r3"),
  },
  {
    name: "duplicate host addresses",
    bad: (c) => (c.hosts[3].address = "10.77.0.21"),
    key: `${K}.hosts[3].address`,
    message: /^10\.77\.0\.21 is also hosts\[2\]\.address$/,
    good: (c) => (c.hosts[3].address = "10.77.0.23"),
  },
  {
    name: "a director listed twice",
    bad: (c) => (c.directors[1].host = "d1"),
    key: `${K}.directors[1].host`,
    message: /"d1" is listed as a director twice/,
    good: (c) => (c.directors[1].host = "d2"),
  },
  {
    name: "a member listed twice in one service",
    bad: (c) => (c.services[0].realServers[1].host = "r1"),
    key: `${K}.services[0].realServers[1].host`,
    message: /"r1" is a member of this service twice/,
    good: (c) => (c.services[0].realServers[1].host = "r2"),
  },
  {
    name: "service group required when there are several groups",
    bad: (c) => withSecondGroup(c) && delete c.services[0].vrrp,
    key: `${K}.services[0].vrrp`,
    message: /^is required when there is more than one vrrp group \(one of: VI_1, VI_2\)$/,
    good: (c) => withSecondGroup(c),
  },
  {
    name: "service naming a group that does not exist",
    bad: (c) => (c.services[0].vrrp = "VI_9"),
    key: `${K}.services[0].vrrp`,
    message: /names vrrp group "VI_9", which does not exist/,
    good: (c) => (c.services[0].vrrp = "VI_1"),
  },
  {
    name: "sync naming a group that does not exist",
    bad: (c) => (c.sync = { enabled: true, vrrp: "VI_9" }),
    key: `${K}.sync.vrrp`,
    message: /names vrrp group "VI_9", which does not exist/,
    good: (c) => (c.sync = { enabled: true, vrrp: "VI_1" }),
  },
  {
    name: "duplicate group names",
    bad: (c) => withSecondGroup(c) && (c.vrrp[1].name = "VI_1") && (c.services[1].vrrp = "VI_1"),
    key: `${K}.vrrp[1].name`,
    message: /duplicate vrrp group name "VI_1"/,
    good: (c) => withSecondGroup(c),
  },
  {
    name: "a group that carries no VIP",
    bad: (c) => c.vrrp.push({ name: "VI_2" }) && (c.services[0].vrrp = "VI_1"),
    key: `${K}.vrrp[1]`,
    message: /group "VI_2" carries no VIP.*assign a service to it with services\[\]\.vrrp, or remove it/,
    good: (c) => withSecondGroup(c),
  },
  {
    name: "one VIP carried by two groups",
    bad: (c) => withSecondGroup(c) && (c.services[1].vip = "10.77.0.100") && (c.services[1].port = 443),
    key: `${K}.services[1].vrrp`,
    message: /^puts VIP 10\.77\.0\.100 in vrrp group "VI_2", but services\[0\] carries it in "VI_1"; every service of one VIP must use the same group$/,
    good: (c) => withSecondGroup(c) && c.services.push({ name: "https", vip: "10.77.0.100", port: 443, vrrp: "VI_1", realServers: [{ host: "r2" }] }),
  },
  {
    name: "duplicate service names",
    bad: (c) => c.services.push({ name: "http", vip: "10.77.0.101", port: 80, realServers: [{ host: "r1" }] }),
    key: `${K}.services[1].name`,
    message: /duplicate service name "http"/,
    good: (c) => c.services.push({ name: "http-2", vip: "10.77.0.101", port: 80, realServers: [{ host: "r1" }] }),
  },
];

for (const c of cases) {
  test(`references: ${c.name}`, () => {
    assertRejected(mutated(c.bad), c.key, c.message);
    assertAccepted(mutated(c.good));
  });
}

test("references: dangling names everywhere are reported together, without throwing", () => {
  const raw = mutated((c) => {
    c.directors[0].host = "x1";
    c.services[0].realServers[0].host = "x2";
    c.services[0].vrrp = "x3";
    c.vrrp[0].priorities = { x4: 10 };
    c.sync = { enabled: true, vrrp: "x5" };
  });
  const result = validateCluster(raw);
  assert.equal(result.ok, false);
  const keys = result.issues.filter((i) => i.severity === "error").map((i) => i.key);
  for (const key of [
    `${K}.directors[0].host`,
    `${K}.services[0].realServers[0].host`,
    `${K}.services[0].vrrp`,
    `${K}.vrrp[0].priorities.x4`,
    `${K}.sync.vrrp`,
  ])
    assert.ok(keys.includes(key), `missing ${key}:\n${listing(result)}`);
});

test("references: host names that are not identifiers are quoted in keys", () => {
  const raw = mutated((c) => (c.vrrp[0].priorities = { "web-1": 10 }));
  assertRejected(raw, `${K}.vrrp[0].priorities["web-1"]`, /"web-1" is not a director/);
});
