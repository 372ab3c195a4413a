// Values the schema accepts but a host cannot use as meant: unusable VIPs and peers, shared or multicast MACs, a
// director peering with itself, non-contiguous netmasks, track scripts keepalived would merge, one sysctl spelled twice.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildModel } from "../../../core/model/cluster";
import { renderCluster } from "../../../core/render/host-state";
import { assertAccepted, assertRejected, mutated, RuleCase, withSecondGroup } from "./fixture";

const K = "pulumi-lvs:cluster";

const cases: RuleCase[] = [
  {
    name: "the unspecified address is not a VIP",
    bad: (c) => (c.services[0].vip = "0.0.0.0"),
    key: `${K}.services[0].vip`,
    message: /^0\.0\.0\.0 is the unspecified address, so it cannot be a VIP \(keepalived would add 0\.0\.0\.0\/32 .*real servers would bind it on lvs0\)/,
    good: (c) => (c.services[0].vip = "10.77.0.100"),
  },
  {
    name: "the subnet's network address is not a VIP",
    bad: (c) => (c.services[0].vip = "10.77.0.0"),
    key: `${K}.services[0].vip`,
    message: /^10\.77\.0\.0 is the network address of the subnet 10\.77\.0\.0\/24, so it cannot be a VIP/,
    good: (c) => (c.services[0].vip = "10.77.0.1"),
  },
  {
    name: "the subnet's broadcast address is not a VIP",
    bad: (c) => (c.services[0].vip = "10.77.0.255"),
    key: `${K}.services[0].vip`,
    message: /^10\.77\.0\.255 is the broadcast address of the subnet 10\.77\.0\.0\/24/,
    good: (c) => (c.services[0].vip = "10.77.0.254"),
  },
  {
    name: "a host's own subnet counts too",
    bad: (c) => ((c.hosts[2].subnet = "10.77.0.0/25"), (c.services[0].vip = "10.77.0.127")),
    key: `${K}.services[0].vip`,
    message: /broadcast address of the subnet 10\.77\.0\.0\/25/,
    good: (c) => ((c.hosts[2].subnet = "10.77.0.0/24"), (c.services[0].vip = "10.77.0.127")),
  },
  {
    name: "a loopback address is not a VIP",
    bad: (c) => (c.services[0].vip = "127.0.0.5"),
    key: `${K}.services[0].vip`,
    message: /loopback address \(127\.0\.0\.0\/8\), which never leaves the host, so it cannot be a VIP/,
    good: (c) => (c.services[0].vip = "10.77.0.5"),
  },
  {
    name: "a multicast address is not a VIP",
    bad: (c) => (c.services[0].vip = "224.0.0.18"),
    key: `${K}.services[0].vip`,
    message: /multicast address \(224\.0\.0\.0\/4\)/,
    good: (c) => (c.services[0].vip = "10.77.0.18"),
  },
  {
    name: "a reserved address is not a VIP",
    bad: (c) => (c.services[0].vip = "255.255.255.255"),
    key: `${K}.services[0].vip`,
    message: /limited broadcast address/,
    good: (c) => (c.services[0].vip = "10.77.0.200"),
  },
  {
    name: "a host's address is not the subnet's network address",
    bad: (c) => (c.hosts[3].address = "10.77.0.0"),
    key: `${K}.hosts[3].address`,
    message: /^10\.77\.0\.0 is the network address of the subnet 10\.77\.0\.0\/24, so it cannot be a host's address$/,
    good: (c) => (c.hosts[3].address = "10.77.0.30"),
  },
  {
    name: "a VRRP peer is not the unspecified address",
    bad: (c) => (c.directors[0].unicastPeers = ["0.0.0.0"]),
    key: `${K}.directors[0].unicastPeers[0]`,
    message: /unspecified address, so it cannot be a VRRP peer/,
    good: (c) => (c.directors[0].unicastPeers = ["10.77.0.12"]),
  },
  {
    name: "a director does not peer with itself",
    bad: (c) => (c.directors[0].unicastPeers = ["10.77.0.12", "10.77.0.11"]),
    key: `${K}.directors[0].unicastPeers[1]`,
    message: /^10\.77\.0\.11 is this director's own address: a director does not peer with itself/,
    good: (c) => (c.directors[0].unicastPeers = ["10.77.0.12"]),
  },
  {
    name: "a peer is listed once",
    bad: (c) => (c.directors[0].unicastPeers = ["10.77.0.12", "10.77.0.12"]),
    key: `${K}.directors[0].unicastPeers[1]`,
    message: /^10\.77\.0\.12 is also unicastPeers\[0\]; list each peer once$/,
    good: (c) => (c.directors[0].unicastPeers = ["10.77.0.12", "10.77.0.13"]),
  },
  {
    name: "two directors do not share a MAC (however it is written)",
    bad: (c) => ((c.directors[0].mac = "52:54:00:77:00:11"), (c.directors[1].mac = "52:54:00:77:00:11".toUpperCase())),
    key: `${K}.directors[1].mac`,
    message: /is also directors\[0\]\.mac: each director transmits from its own MAC, and the peer-MAC mark rule on one would then exclude its own packets$/,
    good: (c) => ((c.directors[0].mac = "52:54:00:77:00:11"), (c.directors[1].mac = "52:54:00:77:00:12")),
  },
  {
    name: "a director's MAC is not a multicast MAC",
    bad: (c) => (c.directors[0].mac = "01:00:5e:00:00:12"),
    key: `${K}.directors[0].mac`,
    message: /is a multicast MAC \(the lowest bit of its first octet is set\)/,
    good: (c) => (c.directors[0].mac = "02:00:5e:00:00:12"),
  },
  {
    name: "a director's MAC is not all zeros",
    bad: (c) => (c.directors[0].mac = "00:00:00:00:00:00"),
    key: `${K}.directors[0].mac`,
    message: /all-zero MAC/,
    good: (c) => (c.directors[0].mac = "00:00:00:00:00:01"),
  },
  {
    name: "a persistence granularity is a contiguous netmask",
    bad: (c) => (c.services[0].persistence = { timeout: 60, granularity: "255.0.255.0" }),
    key: `${K}.services[0].persistence.granularity`,
    message: /^255\.0\.255\.0 is not a contiguous netmask: IPVS groups clients by masking their address with it/,
    good: (c) => (c.services[0].persistence = { timeout: 60, granularity: "255.255.240.0" }),
  },
  {
    name: "two groups' track scripts under one name have one command",
    bad: (c) => {
      withSecondGroup(c);
      c.vrrp[0].trackScripts = [{ name: "chk", script: "/bin/true" }];
      c.vrrp[1].trackScripts = [{ name: "chk", script: "/usr/bin/pgrep -x sshd" }];
    },
    key: `${K}.vrrp[1].trackScripts[0].name`,
    message: /^"chk" is also defined by vrrp\[0\]\.trackScripts\[0\] with a different script \("\/bin\/true" vs "\/usr\/bin\/pgrep -x sshd"\): keepalived\.conf has one vrrp_script per name, so one definition would be silently lost/,
    good: (c) => {
      withSecondGroup(c);
      c.vrrp[0].trackScripts = [{ name: "chk", script: "/bin/true" }];
      c.vrrp[1].trackScripts = [{ name: "chk", script: "/bin/true" }];
    },
  },
  {
    name: "two groups' track scripts under one name have one set of settings",
    bad: (c) => {
      withSecondGroup(c);
      c.vrrp[0].trackScripts = [{ name: "chk", script: "/bin/true", interval: 2 }];
      c.vrrp[1].trackScripts = [{ name: "chk", script: "/bin/true", interval: 5 }];
    },
    key: `${K}.vrrp[1].trackScripts[0].name`,
    message: /with a different settings \(interval, timeout, weight, fall, rise\)/,
    good: (c) => {
      withSecondGroup(c);
      c.vrrp[0].trackScripts = [{ name: "chk", script: "/bin/true", interval: 5 }];
      c.vrrp[1].trackScripts = [{ name: "chk2", script: "/bin/true", interval: 2 }];
    },
  },
  {
    name: "a group lists a track script once",
    bad: (c) => (c.vrrp[0].trackScripts = [{ name: "chk", script: "/bin/true" }, { name: "chk", script: "/bin/true" }]),
    key: `${K}.vrrp[0].trackScripts[1].name`,
    message: /^"chk" is listed twice in vrrp group "VI_1"$/,
    good: (c) => (c.vrrp[0].trackScripts = [{ name: "chk", script: "/bin/true" }, { name: "chk2", script: "/bin/true" }]),
  },
  {
    name: "one sysctl is not set under two spellings",
    bad: (c) => (c.sysctls = { "net.ipv4.ip_forward": 1, "net/ipv4/ip_forward": 0 }),
    key: `${K}.sysctls["net/ipv4/ip_forward"]`,
    message: /^is the same sysctl as "net\.ipv4\.ip_forward" \(net\.ipv4\.ip_forward\); only one value can apply, so set it once$/,
    good: (c) => (c.sysctls = { "net/ipv4/ip_forward": 0 }),
  },
];

for (const c of cases) {
  test(`values: ${c.name}`, () => {
    assertRejected(mutated(c.bad), c.key, c.message);
    assertAccepted(mutated(c.good));
  });
}

test("values: one track script shared by two groups renders one vrrp_script, tracked by both", () => {
  const { config } = assertAccepted(
    mutated((c) => {
      withSecondGroup(c);
      c.vrrp[0].trackScripts = [{ name: "chk", script: "/bin/true" }];
      c.vrrp[1].trackScripts = [{ name: "chk", script: "/bin/true" }];
    }),
  );
  const conf = renderCluster(buildModel(config!))[0].files.find((f) => f.path.endsWith("keepalived.conf"))!.content;
  assert.equal(conf.match(/^vrrp_script chk \{$/gm)?.length, 1);
  assert.equal(conf.match(/^ {8}chk$/gm)?.length, 2);
});
