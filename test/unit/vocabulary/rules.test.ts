// Rules of the vocabulary beyond the basics (core/config/semantic-vocabulary.ts and the schema): hooks, track_interface,
// sorry servers, virtual server groups and the new health-check kinds. Each refusal has a minimally different accepted
// twin, so a rule that refused everything would fail too.
import { test } from "node:test";
import { assertAccepted, assertRejected, mutated, RuleCase } from "../config/fixture";

const K = "pulumi-lvs:cluster";
const SH = "#!/bin/sh\nlogger notified\n";

const cases: RuleCase[] = [
  {
    name: "a notify hook with both a script and content",
    bad: (c) => (c.vrrp[0].notify = { master: { script: "/bin/true", content: SH } }),
    key: `${K}.vrrp[0].notify.master.content`,
    message: /is set together with the other of `script` and `content`/,
    good: (c) => (c.vrrp[0].notify = { master: { content: SH } }),
  },
  {
    name: "a quorum hook with neither",
    bad: (c) => (c.services[0].quorumDown = {}),
    key: `${K}.services[0].quorumDown`,
    message: /needs `script`.*or `content`/,
    good: (c) => (c.services[0].quorumDown = { script: "/usr/bin/logger down" }),
  },
  {
    name: "installed content without an interpreter line",
    bad: (c) => (c.vrrp[0].notify = { fault: { content: "logger fault\n" } }),
    key: `${K}.vrrp[0].notify.fault.content`,
    message: /must start with an interpreter line "#!\/path\/to\/interpreter"/,
    good: (c) => (c.vrrp[0].notify = { fault: { content: "#!/bin/sh\nlogger fault\n" } }),
  },
  {
    name: "installed content with Windows line ends",
    bad: (c) => (c.vrrp[0].notify = { backup: { content: "#!/bin/sh\r\nlogger backup\r\n" } }),
    key: `${K}.vrrp[0].notify.backup.content`,
    message: /carriage return \(U\+000D\) at position 10 is refused/,
    good: (c) => (c.vrrp[0].notify = { backup: { content: "#!/bin/sh\nlogger backup\n" } }),
  },
  {
    name: "an interpreter line with two arguments (the kernel passes one)",
    bad: (c) => (c.services[0].quorumUp = { content: "#!/usr/bin/env -S sh -e\ntrue\n" }),
    key: `${K}.services[0].quorumUp.content`,
    message: /at most one argument/,
    good: (c) => (c.services[0].quorumUp = { content: "#!/bin/sh -e\ntrue\n" }),
  },
  {
    name: "a notify command with a double quote",
    bad: (c) => (c.vrrp[0].notify = { stop: { script: '/usr/bin/logger "stop"' } }),
    key: `${K}.vrrp[0].notify.stop.script`,
    message: /double quote/,
    good: (c) => (c.vrrp[0].notify = { stop: { script: "/usr/bin/logger 'stop now'" } }),
  },
  {
    name: "a notify state keepalived has no hook for",
    bad: (c) => (c.vrrp[0].notify = { deleted: { script: "/bin/true" } }),
    key: `${K}.vrrp[0].notify.deleted`,
    message: /is not a known setting/,
    good: (c) => (c.vrrp[0].notify = { stop: { script: "/bin/true" } }),
  },
  {
    name: "tracking the group's own interface (keepalived ignores it, with a warning)",
    bad: (c) => (c.vrrp[0].trackInterfaces = [{ interface: "eth0" }]),
    key: `${K}.vrrp[0].trackInterfaces[0].interface`,
    message: /eth0 is this group's own interface/,
    good: (c) => (c.vrrp[0].trackInterfaces = [{ interface: "eth1" }]),
  },
  {
    name: "one interface tracked twice",
    bad: (c) => (c.vrrp[0].trackInterfaces = [{ interface: "eth1" }, { interface: "eth1", weight: -60 }]),
    key: `${K}.vrrp[0].trackInterfaces[1].interface`,
    message: /eth1 is tracked twice/,
    good: (c) => (c.vrrp[0].trackInterfaces = [{ interface: "eth1" }, { interface: "eth2", weight: -60 }]),
  },
  {
    name: "a track_interface weight within the priority gap",
    bad: (c) => (c.vrrp[0].trackInterfaces = [{ interface: "eth1", weight: -50 }]),
    key: `${K}.vrrp[0].trackInterfaces[0].weight`,
    message: /\|-50\| must be greater than the priority gap 50/,
    good: (c) => (c.vrrp[0].trackInterfaces = [{ interface: "eth1", weight: -51 }]),
  },
  {
    name: "a track_interface interface keepalived would read as two words",
    bad: (c) => (c.vrrp[0].trackInterfaces = [{ interface: "eth1 x" }]),
    key: `${K}.vrrp[0].trackInterfaces[0].interface`,
    message: /space/,
    good: (c) => (c.vrrp[0].trackInterfaces = [{ interface: "eth1.10" }]),
  },
  {
    name: "a sorry server naming no host",
    bad: (c) => (c.services[0].sorryServer = { host: "r9" }),
    key: `${K}.services[0].sorryServer.host`,
    message: /names host "r9", which is not in pulumi-lvs:cluster.hosts/,
    good: (c) => c.hosts.push({ name: "r9", address: "10.77.0.29" }) && (c.services[0].sorryServer = { host: "r9" }),
  },
  {
    name: "a sorry server that is a director",
    bad: (c) => (c.services[0].sorryServer = { host: "d2" }),
    key: `${K}.services[0].sorryServer.host`,
    message: /"d2" is a director/,
    good: (c) => c.hosts.push({ name: "r3", address: "10.77.0.23" }) && (c.services[0].sorryServer = { host: "r3" }),
  },
  {
    name: "a sorry server that is also a member",
    bad: (c) => (c.services[0].sorryServer = { host: "r2" }),
    key: `${K}.services[0].sorryServer.host`,
    message: /"r2" is already a member of this service/,
    good: (c) => c.services[0].realServers.pop() && (c.services[0].sorryServer = { host: "r2" }),
  },
  {
    name: "a DR sorry server on another port",
    bad: (c) => c.hosts.push({ name: "r3", address: "10.77.0.23" }) && (c.services[0].sorryServer = { host: "r3", port: 8080 }),
    key: `${K}.services[0].sorryServer.port`,
    message: /8080 differs from the virtual port: DR cannot remap ports/,
    good: (c) => c.hosts.push({ name: "r3", address: "10.77.0.23" }) && (c.services[0].sorryServer = { host: "r3", port: 80 }),
  },
  {
    name: "group VIPs repeating the service's VIP",
    bad: (c) => (c.services[0].groupVips = ["10.77.0.100"]),
    key: `${K}.services[0].groupVips[0]`,
    message: /10.77.0.100 is listed twice/,
    good: (c) => (c.services[0].groupVips = ["10.77.0.101"]),
  },
  {
    name: "a group VIP that is a host's address",
    bad: (c) => (c.services[0].groupVips = ["10.77.0.21"]),
    key: `${K}.services[0].groupVips[0]`,
    message: /is the address of host "r1"/,
    good: (c) => (c.services[0].groupVips = ["10.77.0.121"]),
  },
  {
    name: "a group VIP:port another service serves",
    bad: (c) => c.services.push({ name: "other", vip: "10.77.0.101", port: 80, realServers: [{ host: "r1" }] }) && (c.services[0].groupVips = ["10.77.0.101"]),
    key: `${K}.services[1].vip`,
    message: /10.77.0.101:80\/TCP is also served by services\[0\].groupVips\[0\]/,
    good: (c) => c.services.push({ name: "other", vip: "10.77.0.101", port: 81, realServers: [{ host: "r1" }] }) && (c.services[0].groupVips = ["10.77.0.101"]),
  },
  {
    name: "group VIPs on a fwmark service",
    bad: (c) => (c.services[0].fwmark = 5) && (c.services[0].groupVips = ["10.77.0.101"]),
    key: `${K}.services[0].groupVips`,
    message: /cannot be used with a fwmark service/,
    good: (c) => (c.services[0].fwmark = 5),
  },
  {
    name: "a DNS check's query name with a space",
    bad: (c) => (c.services[0].healthCheck = { type: "DNS", queryName: "a b" }),
    key: `${K}.services[0].healthCheck.queryName`,
    message: /space/,
    good: (c) => (c.services[0].healthCheck = { type: "DNS", queryName: "a.b." }),
  },
  {
    name: "a DNS check's query type keepalived does not ask for",
    bad: (c) => (c.services[0].healthCheck = { type: "DNS", queryType: "PTR" }),
    key: `${K}.services[0].healthCheck.queryType`,
    message: /must be one of: A, NS, CNAME, SOA, MX, TXT, AAAA/,
    good: (c) => (c.services[0].healthCheck = { type: "DNS", queryType: "MX" }),
  },
  {
    name: "an SMTP HELO name with a comment character",
    bad: (c) => (c.services[0].healthCheck = { type: "SMTP", heloName: "lb#1" }),
    key: `${K}.services[0].healthCheck.heloName`,
    message: /"#" at position 3 is refused: keepalived reads "#" as the start of a comment/,
    good: (c) => (c.services[0].healthCheck = { type: "SMTP", heloName: "lb-1" }),
  },
  {
    name: "a PING check given a port (it opens no connection)",
    bad: (c) => (c.services[0].healthCheck = { type: "PING", port: 80 }),
    key: `${K}.services[0].healthCheck.port`,
    message: /is not a known setting/,
    good: (c) => (c.services[0].healthCheck = { type: "PING", connectTimeout: 1 }),
  },
  {
    name: "a service name that cannot be a file name (it names its quorum scripts)",
    bad: (c) => (c.services[0].name = "a/b"),
    key: `${K}.services[0].name`,
    message: /refused/,
    good: (c) => (c.services[0].name = "a.b"),
  },
];

for (const c of cases) {
  test(`refused: ${c.name}`, () => assertRejected(mutated(c.bad), c.key, c.message));
  test(`accepted (control): ${c.name}`, () => {
    assertAccepted(mutated(c.good));
  });
}
