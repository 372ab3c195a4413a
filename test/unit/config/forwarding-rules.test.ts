// LVS forwarding rules: port remapping, DR's shared segment, co-location, VIPs, fwmarks, FULLNAT, schedulers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assignFwmarks, buildModel } from "../../../core/model/cluster";
import { validateCluster } from "../../../core/config/validate";
import { assertAccepted, assertRejected, listing, mutated, RuleCase } from "./fixture";

const K = "pulumi-lvs:cluster";
const KERNEL_SCHEDULERS = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "mh", "fo", "ovf", "twos"];

const cases: RuleCase[] = [
  {
    name: "DR cannot remap ports",
    bad: (c) => (c.services[0].realServers[1].port = 8080),
    key: `${K}.services[0].realServers[1].port`,
    message: /^8080 differs from the virtual port: DR cannot remap ports .*use NAT$/,
    good: (c) => (c.services[0].realServers[1].port = 80),
  },
  {
    name: "TUN cannot remap ports",
    bad: (c) => ((c.services[0].forwarding = "TUN"), (c.services[0].realServers[0].port = 8080)),
    key: `${K}.services[0].realServers[0].port`,
    message: /TUN cannot remap ports/,
    good: (c) => ((c.services[0].forwarding = "NAT"), (c.services[0].realServers[0].port = 8080)),
  },
  {
    name: "DR fwmark service: member ports must be among the marked ports",
    bad: (c) => ((c.services[0].fwmark = 3), (c.services[0].ports = [80, 443]), (c.services[0].realServers[0].port = 8443)),
    key: `${K}.services[0].realServers[0].port`,
    message: /DR cannot remap/,
    good: (c) => ((c.services[0].fwmark = 3), (c.services[0].ports = [80, 443]), (c.services[0].realServers[0].port = 443)),
  },
  {
    name: "DR requires a subnet",
    bad: (c) => delete c.subnet,
    key: `${K}.subnet`,
    message: /is required for DR services \(hosts d1, d2, r1, r2 have no subnet\): directors and DR real servers must share one L2 segment$/,
    good: (c) => {
      c.hosts.forEach((h: any) => (h.subnet = "10.77.0.0/24"));
      delete c.subnet;
    },
  },
  {
    name: "without DR no subnet is needed",
    bad: (c) => ((c.services[0].forwarding = "DR"), delete c.subnet),
    key: `${K}.subnet`,
    message: /required for DR/,
    good: (c) => ((c.services[0].forwarding = "TUN"), delete c.subnet),
  },
  {
    name: "DR real server on another segment",
    bad: (c) => ((c.hosts[2].address = "10.78.0.21"), (c.hosts[2].subnet = "10.78.0.0/24")),
    key: `${K}.hosts[2].subnet`,
    message: /"r1" is on 10\.78\.0\.0\/24 but director "d1" is on 10\.77\.0\.0\/24; DR needs .*same L2 segment \(use TUN across segments\)/,
    good: (c) => ((c.hosts[2].address = "10.78.0.21"), (c.hosts[2].subnet = "10.78.0.0/24"), (c.services[0].forwarding = "TUN")),
  },
  {
    name: "host address outside the cluster subnet",
    bad: (c) => (c.hosts[3].address = "10.99.0.22"),
    key: `${K}.hosts[3].address`,
    message: /^10\.99\.0\.22 is not inside its subnet 10\.77\.0\.0\/24$/,
    good: (c) => (c.hosts[3].address = "10.77.0.99"),
  },
  {
    name: "one segment however its CIDR is written",
    bad: (c) => (c.hosts[2].subnet = "10.77.1.0/24"),
    key: `${K}.hosts[2].address`,
    message: /not inside its subnet 10\.77\.1\.0\/24/,
    good: (c) => (c.hosts[2].subnet = "10.77.0.21/24"),
  },
  {
    name: "co-located NAT is refused",
    bad: (c) => ((c.services[0].forwarding = "NAT"), c.services[0].realServers.push({ host: "d2" })),
    key: `${K}.services[0].forwarding`,
    message: /^NAT cannot be used when a director is also a member \(co-located\); only DR/,
    good: (c) => ((c.services[0].forwarding = "DR"), c.services[0].realServers.push({ host: "d2" })),
  },
  {
    name: "co-located TUN is refused",
    bad: (c) => ((c.services[0].forwarding = "TUN"), c.services[0].realServers.push({ host: "d1" })),
    key: `${K}.services[0].forwarding`,
    message: /^TUN cannot be used when a director is also a member/,
    good: (c) => (c.services[0].forwarding = "TUN"),
  },
  {
    name: "a VIP must not be a host address",
    bad: (c) => (c.services[0].vip = "10.77.0.12"),
    key: `${K}.services[0].vip`,
    message: /^10\.77\.0\.12 is the address of host "d2"; a VIP must be an address no host owns$/,
    good: (c) => (c.services[0].vip = "10.77.0.13"),
  },
  {
    name: "fwmarks are unique",
    bad: (c) => ((c.services[0].fwmark = 5), c.services.push({ name: "dns", vip: "10.77.0.101", port: 53, protocol: "UDP", fwmark: 5, realServers: [{ host: "r1" }] })),
    key: `${K}.services[1].fwmark`,
    message: /^5 is also used by services\[0\]; fwmarks must be unique$/,
    good: (c) => ((c.services[0].fwmark = 5), c.services.push({ name: "dns", vip: "10.77.0.101", port: 53, protocol: "UDP", fwmark: 6, realServers: [{ host: "r1" }] })),
  },
  {
    name: "one VIP:port/protocol is served once",
    bad: (c) => c.services.push({ name: "http-b", vip: "10.77.0.100", port: 80, realServers: [{ host: "r2" }] }),
    key: `${K}.services[1]`,
    message: /10\.77\.0\.100:80\/TCP is also served by services\[0\]/,
    good: (c) => c.services.push({ name: "http-b", vip: "10.77.0.100", port: 80, protocol: "UDP", realServers: [{ host: "r2" }] }),
  },
  {
    name: "a fwmark service without port needs ports",
    bad: (c) => ((c.services[0].fwmark = 9), delete c.services[0].port, (c.services[0].healthCheck = { type: "TCP", port: 80 })),
    key: `${K}.services[0].ports`,
    message: /is required for a fwmark service without `port`/,
    good: (c) => ((c.services[0].fwmark = 9), delete c.services[0].port, (c.services[0].ports = [80, 443]), (c.services[0].healthCheck = { type: "TCP", port: 80 })),
  },
  {
    name: "ports without fwmark",
    bad: (c) => (c.services[0].ports = [80, 443]),
    key: `${K}.services[0].ports`,
    message: /only applies to fwmark services; set `fwmark`/,
    good: (c) => ((c.services[0].ports = [80, 443]), (c.services[0].fwmark = 1)),
  },
  {
    name: "a service needs a port unless it uses fwmark",
    bad: (c) => delete c.services[0].port,
    key: `${K}.services[0].port`,
    message: /is required unless the service uses fwmark/,
    good: (c) => c.services[0].realServers.push({ host: "d1" }) && delete c.services[0].port && (c.services[0].ports = [80]),
  },
  {
    name: "FULLNAT is refused with the reason",
    bad: (c) => (c.services[0].forwarding = "FULLNAT"),
    key: `${K}.services[0].forwarding`,
    message: /^FULLNAT is refused: it is not in mainline Linux kernels.*use DR, NAT or TUN$/,
    good: (c) => (c.services[0].forwarding = "NAT"),
  },
  {
    name: "a bogus scheduler",
    bad: (c) => (c.services[0].scheduler = "maglev"),
    key: `${K}.services[0].scheduler`,
    message: new RegExp(`^must be one of: ${KERNEL_SCHEDULERS.join(", ")}$`),
    good: (c) => (c.services[0].scheduler = "mh"),
  },
];

for (const c of cases) {
  test(`forwarding: ${c.name}`, () => {
    assertRejected(mutated(c.bad), c.key, c.message);
    assertAccepted(mutated(c.good));
  });
}

for (const scheduler of KERNEL_SCHEDULERS) {
  test(`forwarding: kernel scheduler ${scheduler} is accepted and kept`, () => {
    const { config } = assertAccepted(mutated((c) => (c.services[0].scheduler = scheduler)));
    assert.equal(buildModel(config!).services[0].scheduler, scheduler);
  });
}

test("forwarding: NAT may remap ports, and the model keeps the real port", () => {
  const { config } = assertAccepted(mutated((c) => ((c.services[0].forwarding = "NAT"), (c.services[0].realServers[0].port = 8080))));
  const model = buildModel(config!);
  assert.deepEqual(model.services[0].members.map((m) => m.port), [8080, undefined]);
});

test("forwarding: co-located DR derives a fwmark (model and assignFwmarks agree)", () => {
  const raw = mutated((c) => {
    c.services[0].realServers.push({ host: "d1" }, { host: "d2" });
    c.services.push({ name: "plain", vip: "10.77.0.101", port: 443, realServers: [{ host: "r1" }] });
    c.services.push({ name: "marked", vip: "10.77.0.102", port: 8443, fwmark: 1, realServers: [{ host: "r2" }] });
  });
  const { config } = assertAccepted(raw);
  // The explicit mark 1 is taken, so the co-located service gets the lowest free one; the plain one gets none.
  assert.deepEqual(assignFwmarks(config!), [2, undefined, 1]);
  const [colocated, plain, marked] = buildModel(config!).services;
  assert.deepEqual([colocated.colocated, colocated.fwmark, colocated.fwmarkDerived, colocated.markPorts], [true, 2, true, [80]]);
  assert.deepEqual([plain.colocated, plain.fwmark, plain.markPorts], [false, undefined, []]);
  assert.deepEqual([marked.fwmark, marked.fwmarkDerived], [1, false]);
  const d1 = buildModel(config!).realServers.find((r) => r.host === "d1");
  assert.deepEqual([d1?.colocated, d1?.vips], [true, ["10.77.0.100"]]);
});

test("forwarding: a non-co-located service gets no derived fwmark", () => {
  const { config } = assertAccepted(mutated(() => undefined));
  assert.deepEqual(assignFwmarks(config!), [undefined]);
  assert.equal(buildModel(config!).services[0].fwmarkDerived, false);
});

test("forwarding: derived fwmarks never collide with explicit ones", () => {
  const raw = mutated((c) => {
    c.services[0].realServers.push({ host: "d1" });
    c.services.push({ name: "co2", vip: "10.77.0.101", port: 80, realServers: [{ host: "d2" }] });
    c.services.push({ name: "x1", vip: "10.77.0.102", port: 80, fwmark: 1, realServers: [{ host: "r1" }] });
    c.services.push({ name: "x3", vip: "10.77.0.103", port: 80, fwmark: 3, realServers: [{ host: "r1" }] });
  });
  const result = validateCluster(raw);
  assert.equal(result.ok, true, listing(result));
  const marks = assignFwmarks(result.config!);
  assert.deepEqual(marks, [2, 4, 1, 3]);
});
