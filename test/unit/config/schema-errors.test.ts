// Schema errors are translated to the config key a user would fix, with a message that says what is expected.
import { test } from "node:test";
import assert from "node:assert/strict";
import { validateCluster } from "../../../core/config/validate";
import { validateSchema } from "../../../core/config/validate-schema";
import { requireValidCluster } from "../../../core/config/validate";
import { ConfigError } from "../../../core/config/issues";
import { assertAccepted, assertRejected, baseCluster, listing, mutated, RuleCase } from "./fixture";

const K = "pulumi-lvs:cluster";
const FP = "SHA256:" + "A".repeat(43);

const cases: RuleCase[] = [
  { name: "VRID above 255", bad: (c) => (c.vrrp[0].virtualRouterId = 256), key: `${K}.vrrp[0].virtualRouterId`, message: /^must be <= 255$/, good: (c) => (c.vrrp[0].virtualRouterId = 255) },
  { name: "VRID below 1", bad: (c) => (c.vrrp[0].virtualRouterId = 0), key: `${K}.vrrp[0].virtualRouterId`, message: /^must be >= 1$/, good: (c) => (c.vrrp[0].virtualRouterId = 1) },
  { name: "VRID of the wrong type", bad: (c) => (c.vrrp[0].virtualRouterId = "51"), key: `${K}.vrrp[0].virtualRouterId`, message: /must be integer/, good: (c) => (c.vrrp[0].virtualRouterId = 51) },
  { name: "priority 255 is the address owner", bad: (c) => (c.directors[0].priority = 255), key: `${K}.directors[0].priority`, message: /must be <= 254/, good: (c) => (c.directors[0].priority = 254) },
  { name: "typo at the top level", bad: (c) => (c.servces = []), key: `${K}.servces`, message: /not a known setting.*spelling/, good: () => undefined },
  { name: "typo in a service", bad: (c) => (c.services[0].schedular = "rr"), key: `${K}.services[0].schedular`, message: /not a known setting/, good: (c) => (c.services[0].scheduler = "rr") },
  { name: "typo in a VRRP group", bad: (c) => (c.vrrp[0].virtualRouterID = 7), key: `${K}.vrrp[0].virtualRouterID`, message: /not a known setting/, good: (c) => (c.vrrp[0].virtualRouterId = 7) },
  { name: "typo in the bastion", bad: (c) => (c.ssh = { bastion: { adress: "b" } }), key: `${K}.ssh.bastion.adress`, message: /not a known setting/, good: (c) => (c.ssh = { bastion: { address: "b" } }) },
  { name: "required top-level key", bad: (c) => delete c.name, key: `${K}.name`, message: /^is required$/, good: (c) => (c.name = "other") },
  { name: "required host address", bad: (c) => delete c.hosts[1].address, key: `${K}.hosts[1].address`, message: /^is required$/, good: (c) => (c.hosts[1].address = "10.77.0.13") },
  { name: "required director priority", bad: (c) => delete c.directors[1].priority, key: `${K}.directors[1].priority`, message: /^is required$/, good: (c) => (c.directors[1].priority = 99) },
  { name: "required service members", bad: (c) => (c.services[0].realServers = []), key: `${K}.services[0].realServers`, message: /must NOT have fewer than 1 items/, good: (c) => c.services[0].realServers.pop() },
  { name: "scheduler enum", bad: (c) => (c.services[0].scheduler = "roundrobin"), key: `${K}.services[0].scheduler`, message: /^must be one of: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, mh, fo, ovf, twos$/, good: (c) => (c.services[0].scheduler = "sh") },
  { name: "forwarding enum", bad: (c) => (c.services[0].forwarding = "dr"), key: `${K}.services[0].forwarding`, message: /^must be one of: DR, NAT, TUN, FULLNAT$/, good: (c) => (c.services[0].forwarding = "DR") },
  { name: "protocol enum", bad: (c) => (c.services[0].protocol = "ICMP"), key: `${K}.services[0].protocol`, message: /one of: TCP, UDP, SCTP/, good: (c) => (c.services[0].protocol = "UDP") },
  { name: "director state enum", bad: (c) => (c.directors[0].state = "master"), key: `${K}.directors[0].state`, message: /one of: BACKUP, MASTER/, good: (c) => (c.directors[0].state = "MASTER") },
  { name: "host address out of range", bad: (c) => (c.hosts[0].address = "10.77.0.256"), key: `${K}.hosts[0].address`, message: /must be a valid IPv4 or IPv6 address/, good: (c) => (c.hosts[0].address = "10.77.0.254") },
  { name: "VIP is a name", bad: (c) => (c.services[0].vip = "vip.example"), key: `${K}.services[0].vip`, message: /valid IPv4 or IPv6/, good: (c) => (c.services[0].vip = "10.77.0.200") },
  { name: "unicast peer not an address", bad: (c) => (c.directors[0].unicastPeers = ["10.77.0"]), key: `${K}.directors[0].unicastPeers[0]`, message: /valid IPv4 or IPv6/, good: (c) => (c.directors[0].unicastPeers = ["10.77.0.12"]) },
  { name: "MAC too short", bad: (c) => (c.directors[0].mac = "52:54:00:12:34"), key: `${K}.directors[0].mac`, message: /MAC address like 52:54:00:12:34:56/, good: (c) => (c.directors[0].mac = "52:54:00:12:34:56") },
  { name: "MAC with dashes", bad: (c) => (c.directors[1].mac = "52-54-00-12-34-56"), key: `${K}.directors[1].mac`, message: /MAC address/, good: (c) => (c.directors[1].mac = "52:54:00:AB:cd:56") },
  { name: "host key fingerprint without SHA256:", bad: (c) => (c.hosts[0].hostKey = "A".repeat(43)), key: `${K}.hosts[0].hostKey`, message: /fingerprint like SHA256:.*ssh-keygen -lf/, good: (c) => (c.hosts[0].hostKey = FP) },
  { name: "host key fingerprint truncated", bad: (c) => (c.hosts[2].hostKey = "SHA256:abc"), key: `${K}.hosts[2].hostKey`, message: /fingerprint/, good: (c) => (c.hosts[2].hostKey = FP + "=") },
  { name: "bastion fingerprint", bad: (c) => (c.ssh = { bastion: { address: "b", hostKey: "MD5:aa" } }), key: `${K}.ssh.bastion.hostKey`, message: /fingerprint/, good: (c) => (c.ssh = { bastion: { address: "b", hostKey: FP } }) },
  { name: "CIDR prefix above 32", bad: (c) => (c.subnet = "10.77.0.0/40"), key: `${K}.subnet`, message: /CIDR like 10\.0\.0\.0\/24/, good: (c) => (c.subnet = "10.77.0.0/16") },
  { name: "CIDR octet above 255", bad: (c) => (c.hosts[3].subnet = "10.77.300.0/24"), key: `${K}.hosts[3].subnet`, message: /CIDR/, good: (c) => (c.hosts[3].subnet = "10.77.0.0/24") },
  { name: "interface name too long", bad: (c) => (c.directors[0].interface = "averyverylongifname"), key: `${K}.directors[0].interface`, message: /at most 15 characters/, good: (c) => (c.directors[0].interface = "bond0.100") },
  // The format rule names the character and why, in place of the schema's pattern message.
  { name: "name with a space", bad: (c) => (c.vrrp[0].name = "VI 1"), key: `${K}.vrrp[0].name`, message: /^space \(U\+0020\) at position 3 is refused: keepalived splits values at whitespace/, good: (c) => (c.vrrp[0].name = "VI-1") },
  { name: "sysctl value of the wrong type (quoted key)", bad: (c) => (c.hosts[0].sysctls = { "net.ipv4.ip_forward": true }), key: `${K}.hosts[0].sysctls["net.ipv4.ip_forward"]`, message: /must be string,integer/, good: (c) => (c.hosts[0].sysctls = { "net.ipv4.ip_forward": 1 }) },
  { name: "health check of an unknown type", bad: (c) => (c.services[0].healthCheck = { type: "LDAP" }), key: `${K}.services[0].healthCheck.type`, message: /^must be one of: TCP, HTTP, SSL, MISC, NONE, PING, UDP, DNS, SMTP$/, good: (c) => (c.services[0].healthCheck = { type: "SSL" }) },
  { name: "a field of another health-check kind", bad: (c) => (c.services[0].healthCheck = { type: "TCP", path: "/health" }), key: `${K}.services[0].healthCheck.path`, message: /not a known setting/, good: (c) => (c.services[0].healthCheck = { type: "HTTP", path: "/health" }) },
  { name: "a MISC check without its script", bad: (c) => (c.services[0].healthCheck = { type: "MISC" }), key: `${K}.services[0].healthCheck.script`, message: /^is required$/, good: (c) => (c.services[0].healthCheck = { type: "MISC", script: "/bin/true" }) },
  { name: "a NONE check has no retries", bad: (c) => (c.services[0].healthCheck = { type: "NONE", retry: 3 }), key: `${K}.services[0].healthCheck.retry`, message: /not a known setting/, good: (c) => (c.services[0].healthCheck = { type: "NONE", delayLoop: 3 }) },
  { name: "inline secret instead of a reference", bad: (c) => (c.vrrp[0].auth = { password: "hunter2" }), key: `${K}.vrrp[0].auth.password`, message: /must be object/, good: (c) => (c.vrrp[0].auth = { password: { secret: "vrrpPassword" } }) },
];

for (const c of cases) {
  test(`schema: ${c.name}`, () => {
    assertRejected(mutated(c.bad), c.key, c.message);
    assertAccepted(mutated(c.good));
  });
}

test("the whole value must be an object", () => {
  for (const raw of [undefined, "{}", 42, null]) assertRejected(raw, K, /must be object/);
});

test("all schema errors are reported at once, one per mistake", () => {
  const raw = mutated((c) => {
    c.vrrp[0].virtualRouterId = 300;
    c.services[0].scheduler = "fastest";
    c.hosts[0].address = "10.77.0.999";
    c.directors[0].mac = "zz:zz:zz:zz:zz:zz";
    c.services[0].forwarding = "DSR";
    c.sync = { enabeld: true };
    delete c.services[0].vip;
  });
  const result = validateCluster(raw);
  assert.equal(result.ok, false);
  const expected = [
    `${K}.vrrp[0].virtualRouterId`,
    `${K}.services[0].scheduler`,
    `${K}.hosts[0].address`,
    `${K}.directors[0].mac`,
    `${K}.services[0].forwarding`,
    `${K}.sync.enabeld`,
    `${K}.services[0].vip`,
  ];
  assert.deepEqual(result.issues.map((i) => i.key).sort(), [...expected].sort(), listing(result));
  assert.ok(result.issues.every((i) => i.severity === "error"));
});

test("ConfigError lists every error, each as key: message", () => {
  const raw = mutated((c) => {
    c.vrrp[0].virtualRouterId = 256;
    c.services[0].scheduler = "x";
    c.hosts[1].address = "1.2.3";
    c.directors[1].interface = "";
  });
  assert.throws(
    () => requireValidCluster(raw),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /\(4 errors\)/);
      assert.match(e.message, /^pulumi-lvs:cluster\.vrrp\[0\]\.virtualRouterId: must be <= 255$/m);
      assert.match(e.message, /^pulumi-lvs:cluster\.services\[0\]\.scheduler: must be one of: /m);
      assert.match(e.message, /^pulumi-lvs:cluster\.hosts\[1\]\.address: must be a valid IPv4 or IPv6 address$/m);
      assert.match(e.message, /^pulumi-lvs:cluster\.directors\[1\]\.interface: /m);
      assert.equal(e.issues.length, 4);
      return true;
    },
  );
});

test("defaults are applied to a copy: the caller's value is not changed", () => {
  const raw = baseCluster();
  const before = structuredClone(raw);
  const result = validateSchema(raw);
  assert.deepEqual(raw, before);
  assert.equal(result.config?.services[0].scheduler, "wlc");
  assert.equal(result.config?.services[0].forwarding, "DR");
  assert.equal(result.config?.directors[0].state, "BACKUP");
  assert.equal(result.config?.vrrp[0].unicast, true);
});

test("health checks: each kind gets its own defaults, and only its own fields", () => {
  const check = (hc: unknown) => validateSchema(mutated((c) => (hc === undefined ? delete c.services[0].healthCheck : (c.services[0].healthCheck = hc)))).config!.services[0].healthCheck;
  assert.deepEqual(check(undefined), { type: "TCP", delayLoop: 5, connectTimeout: 3, retry: 2, delayBeforeRetry: 2 });
  assert.deepEqual(check({ type: "HTTP" }), { type: "HTTP", delayLoop: 5, connectTimeout: 3, retry: 2, delayBeforeRetry: 2, path: "/", statusCode: "200-299" });
  assert.deepEqual(check({ type: "MISC", script: "/bin/true" }), { type: "MISC", delayLoop: 5, script: "/bin/true", scriptTimeout: 5, retry: 2, delayBeforeRetry: 2 });
  assert.deepEqual(check({ type: "NONE" }), { type: "NONE", delayLoop: 5 });
});
