// The edges of the validation rules that the rule tables left untested (found by mutation testing, see
// test/mutation/run.sh): health-check ports and MISC scripts, quorum, the track-script priority floor, duplicate
// members and services, segment and warning scopes, schema error keys and messages, secret references.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, configKey } from "../../../core/config/issues";
import { secretReferences } from "../../../core/config/secrets";
import { parseStackFile } from "../../../core/config/stack-file";
import { requireValidCluster, validateCluster } from "../../../core/config/validate";
import { validateSchema } from "../../../core/config/validate-schema";
import { assertAccepted, assertRejected, listing, mutated, RuleCase, withSecondGroup } from "./fixture";

const K = "pulumi-lvs:cluster";

/** Every issue (errors and warnings) at `key`, as "severity: message". */
function issuesAt(raw: unknown, key: string): string[] {
  return validateCluster(raw)
    .issues.filter((i) => i.key === key)
    .map((i) => `${i.severity}: ${i.message}`);
}

const cases: RuleCase[] = [
  {
    name: "a MISC health check needs its script (the schema says so now)",
    bad: (c) => (c.services[0].healthCheck = { type: "MISC" }),
    key: `${K}.services[0].healthCheck.script`,
    message: /^is required/,
    good: (c) => (c.services[0].healthCheck = { type: "MISC", script: "/bin/true" }),
  },
  {
    name: "quorum above the members' total weight names the quorum",
    bad: (c) => ((c.services[0].quorum = 3), (c.services[0].realServers = [{ host: "r1" }, { host: "r2" }])),
    key: `${K}.services[0].quorum`,
    message: /^members' total weight 2 is below the quorum 3: keepalived would take the service down; keep at least one member with weight > 0 or lower the quorum$/,
    good: (c) => ((c.services[0].quorum = 2), (c.services[0].realServers = [{ host: "r1" }, { host: "r2" }])),
  },
  {
    name: "every member at weight 0 is below the default quorum 1, named at the members",
    bad: (c) => (c.services[0].realServers = [{ host: "r1", weight: 0 }, { host: "r2", weight: 0 }]),
    key: `${K}.services[0].realServers`,
    message: /^members' total weight 0 is below the quorum 1: keepalived would take the service down; keep at least one member with weight > 0$/,
    good: (c) => (c.services[0].realServers = [{ host: "r1", weight: 0 }, { host: "r2", weight: 1 }]),
  },
  {
    name: "a failing master dropping to the floor 1 ties with a backup at priority 1",
    bad: (c) => ((c.directors[1].priority = 1), (c.vrrp[0].trackScripts = [{ name: "chk", script: "/bin/true", weight: -200 }])),
    key: `${K}.vrrp[0].trackScripts[0].weight`,
    message: /^a failing master drops to keepalived's priority floor 1, which ties with the backup's priority 1; raise the backup's priority above 1$/,
    good: (c) => ((c.directors[1].priority = 2), (c.vrrp[0].trackScripts = [{ name: "chk", script: "/bin/true", weight: -200 }])),
  },
  {
    name: "a backup on its own subnet (not the director's) is named at its subnet",
    bad: (c) => ((c.hosts[2].subnet = "10.78.0.0/24"), (c.hosts[2].address = "10.78.0.21")),
    key: `${K}.hosts[2].subnet`,
    message: /^"r1" is on 10\.78\.0\.0\/24 but director "d1" is on 10\.77\.0\.0\/24; DR needs/,
    good: (c) => ((c.hosts[2].subnet = "10.77.0.0/24"), (c.hosts[2].address = "10.77.0.21")),
  },
];

for (const c of cases) {
  test(`rule edge: ${c.name}`, () => {
    assertRejected(mutated(c.bad), c.key, c.message);
    assertAccepted(mutated(c.good));
  });
}

test("rule edge: the health-check port is required only for port checks when the service and a member have none", () => {
  const key = `${K}.services[0].healthCheck.port`;
  const fwmarkNoPorts = (check: Record<string, unknown>, members: Record<string, unknown>[] = [{ host: "r1" }, { host: "r2" }]) =>
    mutated((c) => ((c.services[0].fwmark = 5), delete c.services[0].port, (c.services[0].healthCheck = check), (c.services[0].realServers = members)));
  assert.deepEqual(issuesAt(fwmarkNoPorts({ type: "TCP" }), key), ["error: is required: the service has no port to probe"]);
  // One member without a port is enough to need it.
  assert.deepEqual(issuesAt(fwmarkNoPorts({ type: "HTTP" }, [{ host: "r1", port: 80 }, { host: "r2" }]), key), ["error: is required: the service has no port to probe"]);
  assert.deepEqual(issuesAt(fwmarkNoPorts({ type: "TCP" }, [{ host: "r1", port: 80 }, { host: "r2", port: 80 }]), key), []);
  assert.deepEqual(issuesAt(fwmarkNoPorts({ type: "TCP", port: 80 }), key), []);
  assert.deepEqual(issuesAt(fwmarkNoPorts({ type: "NONE" }), key), []);
  assert.deepEqual(issuesAt(fwmarkNoPorts({ type: "MISC", script: "/bin/true" }), key), []);
  // A service with a port, or fwmark ports, has a port to probe.
  assert.deepEqual(issuesAt(mutated((c) => (c.services[0].healthCheck = { type: "TCP" })), key), []);
  assert.deepEqual(issuesAt(mutated((c) => ((c.services[0].fwmark = 5), delete c.services[0].port, (c.services[0].ports = [80]), (c.services[0].healthCheck = { type: "TCP" }))), key), []);
  // A TCP check needs no script.
  assert.deepEqual(issuesAt(mutated((c) => (c.services[0].healthCheck = { type: "TCP" })), `${K}.services[0].healthCheck.script`), []);
});

test("rule edge: `ports` is asked of fwmark services only; a plain service without port is told about its port", () => {
  const raw = mutated((c) => delete c.services[0].port);
  assert.deepEqual(issuesAt(raw, `${K}.services[0].port`), ["error: is required unless the service uses fwmark"]);
  assert.deepEqual(issuesAt(raw, `${K}.services[0].ports`), []);
});

test("rule edge: DR members may name the virtual port, and one host may be a member twice on different ports (NAT)", () => {
  assertAccepted(mutated((c) => (c.services[0].realServers = [{ host: "r1", port: 80 }, { host: "r2" }])));
  assertAccepted(mutated((c) => ((c.services[0].forwarding = "NAT"), (c.services[0].realServers = [{ host: "r1", port: 8080 }, { host: "r1", port: 8081 }]))));
  assertRejected(mutated((c) => ((c.services[0].forwarding = "NAT"), (c.services[0].realServers = [{ host: "r1", port: 8080 }, { host: "r1", port: 8080 }]))), `${K}.services[0].realServers[1].host`, /is a member of this service twice/);
});

test("rule edge: two fwmark services on one VIP are distinct services; two port services on one VIP:port are not", () => {
  assertAccepted(
    mutated((c) => {
      c.services[0] = { ...c.services[0], fwmark: 5, ports: [80] };
      delete c.services[0].port;
      c.services.push({ name: "https", vip: "10.77.0.100", fwmark: 6, ports: [443], realServers: [{ host: "r1" }] });
    }),
  );
  assertRejected(
    mutated((c) => c.services.push({ name: "again", vip: "10.77.0.100", port: 80, realServers: [{ host: "r1" }] })),
    `${K}.services[1]`,
    /^10\.77\.0\.100:80\/TCP is also served by services\[0\]$/,
  );
});

test("rule edge: with several groups, a service naming none is an error and the group it leaves empty is reported too", () => {
  const raw = mutated((c) => {
    withSecondGroup(c);
    delete c.services[0].vrrp;
  });
  assert.match(issuesAt(raw, `${K}.services[0].vrrp`).join("\n"), /is required when there is more than one vrrp group/);
  assert.match(issuesAt(raw, `${K}.vrrp[0]`).join("\n"), /group "VI_1" carries no VIP/);
  // ... but not a VIP-in-two-groups error for the service that names no group.
  assert.deepEqual(issuesAt(mutated((c) => (withSecondGroup(c), delete c.services[0].vrrp, (c.services[1].vip = "10.77.0.100"))), `${K}.services[1].vrrp`), []);
});

test("rule edge: realServers options for a member warn nothing; only non-members are warned about", () => {
  const raw = mutated((c) => (c.realServers = [{ host: "r1", interface: "eth0" }]));
  assert.deepEqual(issuesAt(raw, `${K}.realServers[0].host`), []);
});

test("rule edge: the segment rule ignores hosts that are neither directors nor DR members", () => {
  assertAccepted(mutated((c) => c.hosts.push({ name: "bastion", address: "192.0.2.7" })));
});

test("rule edge: the priority-floor rule and nopreempt warning are scoped", () => {
  // Negative weights above the floor, and positive ones below the ceiling, are fine.
  assertAccepted(mutated((c) => (c.vrrp[0].trackScripts = [{ name: "chk", script: "/bin/true", weight: -60 }])));
  assertAccepted(mutated((c) => (c.vrrp[0].trackScripts = [{ name: "chk", script: "/bin/true", weight: 60 }])));
  const key = `${K}.vrrp[0].trackScripts[0].weight`;
  // Without nopreempt, no nopreempt warning; with one director, no weight rule at all (nothing to move the VIP to).
  assert.deepEqual(issuesAt(mutated((c) => (c.vrrp[0].trackScripts = [{ name: "chk", script: "/bin/true", weight: -60 }])), key), []);
  const single = mutated((c) => {
    c.directors = [{ host: "d1", priority: 150 }];
    c.vrrp[0] = { name: "VI_1", nopreempt: true, trackScripts: [{ name: "chk", script: "/bin/true", weight: -10 }] };
  });
  assert.deepEqual(issuesAt(single, key), [], listing(validateCluster(single)));
});

test("rule edge: the unicast-peers warning needs both unicast off and peers set", () => {
  const key = `${K}.vrrp[0].unicast`;
  assert.deepEqual(issuesAt(mutated((c) => (c.directors[0].unicastPeers = ["10.77.0.12"])), key), []);
  assert.deepEqual(issuesAt(mutated((c) => (c.vrrp[0].unicast = false)), key), []);
  assert.deepEqual(issuesAt(mutated((c) => ((c.vrrp[0].unicast = false), (c.directors[0].unicastPeers = ["10.77.0.12"]))), key), ["warning: is false, so directors[].unicastPeers are ignored for this group"]);
});

test("rule edge: a derived VRID that cannot step around a taken one says it was derived", () => {
  // Every id but 255 reserved: VI_1 derives 255 (its hash 178 is reserved); G77 hashes to 255 (pinned in
  // vrid.test.ts), finds nothing free after a full turn, and keeps 255.
  const raw = mutated((c) => {
    withSecondGroup(c);
    c.vrrp[1].name = "G77";
    c.services[1].vrrp = "G77";
    c.reservedVirtualRouterIds = Array.from({ length: 254 }, (_, i) => i + 1);
  });
  assert.deepEqual(issuesAt(raw, `${K}.vrrp[1].virtualRouterId`), ['error: derived VRID 255 is also used by vrrp[0] ("VI_1") on interface eth0; VRIDs must be unique per segment']);
});

test("schema: every error at once, by key, with the pattern or the lexical rule described", () => {
  const raw = mutated((c) => {
    c.name = 5;
    c.services[0].healthCheck = { type: "HTTP", statusCode: "20x", digest: "zz" };
    c.vrrp[0].name = "1 bad";
    c.vrrp[0].priorities = { "d/1": "x", "d~1": "y", d1: "z", "1x": "w" };
  });
  const got = validateCluster(raw).issues.map((i) => `${i.key}: ${i.message}`);
  assert.deepEqual(got.sort(), [
    `${K}.name: must be string`,
    `${K}.services[0].healthCheck.digest: has an invalid form (expected an MD5 hex digest)`,
    `${K}.services[0].healthCheck.statusCode: has an invalid form (expected a status code or range like 200 or 200-299)`,
    `${K}.vrrp[0].name: space (U+0020) at position 2 is refused: keepalived splits values at whitespace and this keyword reads only the first word, so the rest would be silently ignored`,
    `${K}.vrrp[0].priorities.d1: must be integer`,
    `${K}.vrrp[0].priorities["1x"]: must be integer`,
    `${K}.vrrp[0].priorities["d/1"]: must be integer`,
    `${K}.vrrp[0].priorities["d~1"]: must be integer`,
  ].sort());
});

test("schema: health checks by type: SSL takes the URL settings, a MISC script is a string, an unknown type is one enum error", () => {
  assertAccepted(mutated((c) => (c.services[0].healthCheck = { type: "SSL", path: "/health", statusCode: "200", connectTimeout: 2 })));
  assert.deepEqual(issuesAt(mutated((c) => (c.services[0].healthCheck = { type: "MISC", script: 5 })), `${K}.services[0].healthCheck.script`), ["error: must be string"]);
  const unknown = validateCluster(mutated((c) => (c.services[0].healthCheck = { type: "BOGUS" }))).issues;
  assert.deepEqual(unknown.map((i) => `${i.key}: ${i.message}`), [`${K}.services[0].healthCheck.type: must be one of: TCP, HTTP, SSL, MISC, NONE, PING, UDP, DNS, SMTP`]);
});

test("schema: array indexes of 10 and more stay indexes", () => {
  const raw = mutated((c) => (c.services[0].realServers = Array.from({ length: 11 }, (_, i) => ({ host: "r1", port: 8000 + i, weight: i === 10 ? -1 : 1 }))));
  assert.deepEqual(validateSchema(raw).issues.map((i) => i.key), [`${K}.services[0].realServers[10].weight`]);
});

test("schema: a valid config has no schema issues, and the raw value is not changed by the defaults", () => {
  const raw = mutated(() => undefined);
  const before = structuredClone(raw);
  const result = validateSchema(raw);
  assert.deepEqual(result.issues, []);
  assert.equal(result.config!.services[0].scheduler, "wlc");
  assert.deepEqual(raw, before);
});

test("config errors: thrown as ConfigError naming every error; keys quote names that are not identifiers", () => {
  assert.throws(() => requireValidCluster(mutated((c) => ((c.name = 5), (c.subnet = "x")))), (e: Error) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.name, "ConfigError");
    assert.match(e.message, /^invalid pulumi-lvs:cluster \(2 errors\):\n/);
    return true;
  });
  assert.equal(configKey(["hosts", 12, "a-b", "ok"]), `${K}.hosts[12]["a-b"].ok`);
});

test("secret references: only an object whose single key is `secret`; nulls and other objects are values", () => {
  assert.deepEqual(secretReferences({ a: null, b: { secret: "k", other: 1 }, c: [{ secret: "s" }], d: "secret" }), [{ key: "s", path: ["c", 0] }]);
});

test("stack file: without a source name, errors say `stack file`", () => {
  assert.throws(() => parseStackFile("config: {}\n"), /^Error: stack file: no "pulumi-lvs:cluster" key under "config:"$/);
});
