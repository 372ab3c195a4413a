// The render's parts as data: the fwmark rule text (nft ports and peer MACs, pending values, the backend's files and
// unit), the VRRP secret files and their errors, the IPVS timeouts, the hash, and the keepalived view's derived values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { renderFromConfig, type HostState } from "../../../core";
import { firewallOf, iptablesRuleLines, rulesPath } from "../../../core/render/fwmark";
import { hashFiles, renderSecretFiles, type ManagedFile } from "../../../core/render/host-state";
import { requireValidCluster } from "../../../core/config/validate";
import { buildModel } from "../../../core/model/cluster";
import { Holes } from "../../../core/model/discovery";
import { ConfigError } from "../../../core/config/issues";
import type { PlanOptions } from "../../../core/plan";

const MACS: Record<string, string> = { d1: "52:54:00:77:00:11", d2: "52:54:00:77:00:12", d3: "52:54:00:77:00:13" };

/** `n` co-located directors (d1…), each also a real server, one DR service on `ports` (one port: `port`). */
function colocated(n: number, ports: number[], extra: (c: any) => void = () => {}): any {
  const names = Array.from({ length: n }, (_, i) => `d${i + 1}`);
  const c: any = {
    name: "duo",
    subnet: "10.77.0.0/24",
    hosts: names.map((h, i) => ({ name: h, address: `10.77.0.${11 + i}` })),
    directors: names.map((h, i) => ({ host: h, interface: "eth0", priority: 150 - i * 10, mac: MACS[h], firewall: "nftables" })),
    realServers: names.map((h) => ({ host: h, interface: "eth0" })),
    vrrp: [{ name: "VI_DUO", virtualRouterId: 77 }],
    services: [
      { name: "http", vip: "10.77.0.100", ...(ports.length === 1 ? { port: ports[0] } : { ports }), forwarding: "DR", healthCheck: { type: "TCP" }, realServers: names.map((h) => ({ host: h })) },
    ],
  };
  extra(c);
  return c;
}

/** A DR cluster of two directors and two real servers, one service on :80. */
function dr(extra: (c: any) => void = () => {}): any {
  const c: any = {
    name: "web",
    subnet: "10.77.0.0/24",
    hosts: [
      { name: "d1", address: "10.77.0.11" },
      { name: "d2", address: "10.77.0.12" },
      { name: "r1", address: "10.77.0.21" },
      { name: "r2", address: "10.77.0.22" },
    ],
    directors: [
      { host: "d1", priority: 150, interface: "eth0" },
      { host: "d2", priority: 100, interface: "eth0" },
    ],
    realServers: [{ host: "r1", interface: "eth0" }, { host: "r2", interface: "eth0" }],
    vrrp: [{ name: "VI_1", virtualRouterId: 51 }],
    services: [{ name: "http", vip: "10.77.0.100", port: 80, realServers: [{ host: "r1" }, { host: "r2" }] }],
  };
  extra(c);
  return c;
}

const host = (raw: any, name: string, options: PlanOptions = {}): HostState => renderFromConfig(raw, options).hosts.find((h) => h.host === name)!;
const fileOf = (s: HostState, path: string): ManagedFile | undefined => s.files.find((f) => f.path === path);
const content = (s: HostState, path: string): string => {
  const f = fileOf(s, path);
  assert.ok(f, `${s.host}: no ${path}; files: ${s.files.map((x) => x.path).join(", ")}`);
  return f.content;
};
const ruleLines = (text: string) => text.split("\n").filter((l) => /meta mark set|-j (RETURN|MARK)/.test(l)).map((l) => l.trim());

const NFT = "/etc/pulumi-lvs/fwmark.nft";
const IPT = "/etc/pulumi-lvs/fwmark.rules";
const CONF = "/etc/keepalived/keepalived.conf";

const nftRules: { name: string; raw: any; want: string[] }[] = [
  { name: "one port, one peer", raw: colocated(2, [80]), want: ["ip daddr 10.77.0.100 tcp dport 80 ether saddr != 52:54:00:77:00:12 meta mark set 1"] },
  { name: "two ports as a set", raw: colocated(2, [80, 443]), want: ["ip daddr 10.77.0.100 tcp dport { 80, 443 } ether saddr != 52:54:00:77:00:12 meta mark set 1"] },
  {
    name: "two peers as a set",
    raw: colocated(3, [80]),
    want: ["ip daddr 10.77.0.100 tcp dport 80 ether saddr != { 52:54:00:77:00:12, 52:54:00:77:00:13 } meta mark set 1"],
  },
  {
    name: "UDP and an explicit mark",
    raw: colocated(2, [53], (c) => Object.assign(c.services[0], { protocol: "UDP", fwmark: 7 })),
    want: ["ip daddr 10.77.0.100 udp dport 53 ether saddr != 52:54:00:77:00:12 meta mark set 7"],
  },
];
for (const c of nftRules) {
  test(`fwmark nft rule: ${c.name}`, () => assert.deepEqual(ruleLines(content(host(c.raw, "d1"), NFT)), c.want));
}

test("fwmark on a plain DR service (an explicit mark, not co-located): no peer exclusion; the keepalived note says so", () => {
  const raw = dr((c) => {
    c.directors[0].firewall = "nftables";
    delete c.services[0].port;
    Object.assign(c.services[0], { ports: [80, 443], fwmark: 5 });
  });
  const d1 = host(raw, "d1");
  assert.deepEqual(ruleLines(content(d1, NFT)), ["ip daddr 10.77.0.100 tcp dport { 80, 443 } meta mark set 5"]);
  assert.match(content(d1, NFT), /^ {8}# service http \(fwmark 5\)$/m);
  assert.deepEqual(d1.fwmarkRules, [{ service: "http", fwmark: 5, vip: "10.77.0.100", protocol: "tcp", ports: [80, 443], excludeMacs: [] }]);
  assert.deepEqual(content(d1, CONF).split("\n").filter((l) => /fwmark/.test(l)), ["# service http: 10.77.0.100 ports 80,443 by fwmark 5", "virtual_server fwmark 5 {"]);
  // d2 names no backend: it is detected, and what it waits for is said.
  assert.deepEqual(host(raw, "d2").discover, [{ id: "firewall:d2", host: "d2", what: "firewall", detail: "iptables alternative and netfilter-persistent", usedBy: NFT }]);
});

test("fwmark: only the fwmark services get mark rules, beside a plain one", () => {
  const raw = dr((c) => {
    c.directors[0].firewall = "nftables";
    c.services.push({ name: "mail", vip: "10.77.0.101", port: 25, fwmark: 9, realServers: [{ host: "r1" }] });
  });
  assert.deepEqual(ruleLines(content(host(raw, "d1"), NFT)), ["ip daddr 10.77.0.101 tcp dport 25 meta mark set 9"]);
  assert.deepEqual(host(raw, "d1").fwmarkRules.map((r) => r.service), ["mail"]);
});

test("iptables rule lines: exactly 15 ports are one multiport group, 16 are two", () => {
  const ports = (n: number) => Array.from({ length: n }, (_, i) => 8000 + i);
  const rule = (n: number) => ({ vip: "10.0.0.1", protocol: "tcp" as const, ports: ports(n), fwmark: 2, excludeMacs: [] });
  assert.deepEqual(iptablesRuleLines(rule(15)), [`-A PULUMI-LVS -d 10.0.0.1/32 -p tcp -m multiport --dports ${ports(15).join(",")} -j MARK --set-xmark 0x2/0xffffffff`]);
  assert.deepEqual(iptablesRuleLines(rule(16)).map((l) => l.split("--dports ")[1].split(" ")[0]), [ports(15).join(","), "8015"]);
  assert.deepEqual(iptablesRuleLines({ ...rule(1), fwmark: 255 }), ["-A PULUMI-LVS -d 10.0.0.1/32 -p tcp -m multiport --dports 8000 -j MARK --set-xmark 0xff/0xffffffff"]);
});

test("fwmark: a peer's MAC still to be discovered stays a placeholder, and the rules file waits for it", () => {
  const raw = colocated(2, [80], (c) => delete c.directors[1].mac);
  const d1 = host(raw, "d1");
  const nft = fileOf(d1, NFT)!;
  assert.deepEqual(ruleLines(nft.content), ["ip daddr 10.77.0.100 tcp dport 80 ether saddr != <discover mac:d2> meta mark set 1"]);
  assert.deepEqual(nft.pending, ["mac:d2"]);
  assert.deepEqual(fileOf(d1, "/etc/systemd/system/pulumi-lvs-fwmark.service")!.pending, [], "the unit does not wait for the MAC");
  assert.deepEqual(d1.fwmarkRules[0].excludeMacs, ["<discover mac:d2>"]);
  assert.deepEqual(d1.discover.filter((d) => d.what === "mac"), [{ id: "mac:d2", host: "d2", what: "mac", detail: "eth0", usedBy: NFT }]);
  // Discovered (upper case on the host): written lower-case, nothing pending.
  const found = host(raw, "d1", { discovered: { macs: { d2: "52:54:00:77:00:AB" }, interfaces: {} } });
  assert.deepEqual(ruleLines(content(found, NFT)), ["ip daddr 10.77.0.100 tcp dport 80 ether saddr != 52:54:00:77:00:ab meta mark set 1"]);
  assert.deepEqual(fileOf(found, NFT)!.pending, []);
});

test("fwmark: a backend to be detected writes nothing until known; detected, it decides the file, unit and package", () => {
  const raw = colocated(2, [80, 443], (c) => c.directors.forEach((d: any) => delete d.firewall));
  const pending = host(raw, "d1");
  assert.deepEqual(fileOf(pending, NFT)!.pending, ["firewall:d1"], "the nft file stands in while the backend is pending");
  assert.equal(fileOf(pending, IPT), undefined);
  assert.deepEqual(pending.discover.filter((d) => d.what === "firewall").map((d) => [d.id, d.usedBy]), [["firewall:d1", NFT]]);
  const asIptables = host(raw, "d1", { discovered: { macs: {}, interfaces: {}, firewalls: { d1: "iptables" } } });
  assert.equal(fileOf(asIptables, NFT), undefined);
  assert.deepEqual(ruleLines(content(asIptables, IPT)), [
    "-A PULUMI-LVS -d 10.77.0.100/32 -p tcp -m multiport --dports 80,443 -m mac --mac-source 52:54:00:77:00:12 -j RETURN",
    "-A PULUMI-LVS -d 10.77.0.100/32 -p tcp -m multiport --dports 80,443 -j MARK --set-xmark 0x1/0xffffffff",
  ]);
  assert.deepEqual(fileOf(asIptables, IPT)!.pending, []);
  assert.deepEqual(fileOf(asIptables, "/etc/systemd/system/pulumi-lvs-fwmark-iptables.service")!.pending, [], "the unit waits for nothing");
  assert.ok(asIptables.packages.includes("iptables") && !asIptables.packages.includes("nftables"), asIptables.packages.join(","));
  const unit = asIptables.services.find((s) => s.name === "pulumi-lvs-fwmark-iptables.service");
  assert.deepEqual(unit && [unit.enable, unit.onChange, unit.files], [true, "restart", [IPT, "/etc/systemd/system/pulumi-lvs-fwmark-iptables.service"]]);
  const asNft = host(raw, "d1", { discovered: { macs: {}, interfaces: {}, firewalls: { d1: "nftables" } } });
  assert.deepEqual(fileOf(asNft, NFT)!.pending, []);
  assert.ok(asNft.packages.includes("nftables") && !asNft.packages.includes("iptables"), asNft.packages.join(","));
  assert.deepEqual(asNft.services.find((s) => s.name === "pulumi-lvs-fwmark.service")?.files, [NFT, "/etc/systemd/system/pulumi-lvs-fwmark.service"]);
});

test("fwmark: a discovered backend that is neither nftables nor iptables is an error naming the host and the value", () => {
  const model = buildModel(requireValidCluster(colocated(2, [80], (c) => delete c.directors[0].firewall)).config);
  const holes = new Holes({ macs: {}, interfaces: {}, firewalls: { d1: "ipfw" } });
  assert.throws(() => firewallOf(model.directors[0], holes), /^Error: d1: the discovered firewall backend "ipfw" is neither nftables nor iptables$/);
  assert.equal(firewallOf(model.directors[1], holes), "nftables", "a configured backend is not looked up");
  assert.deepEqual([rulesPath("iptables"), rulesPath("nftables"), rulesPath({ pending: "firewall:d1" })], [IPT, NFT, NFT]);
});

test("fwmark: no fwmark service, no rules, no firewall package or unit", () => {
  const d1 = host(dr(), "d1");
  assert.deepEqual(d1.fwmarkRules, []);
  assert.equal(d1.files.some((f) => f.path.startsWith("/etc/pulumi-lvs/fwmark")), false);
  assert.deepEqual(d1.packages, ["ipvsadm", "keepalived"]);
  assert.equal(d1.services.some((s) => s.name.includes("fwmark")), false);
});

const withAuth = (c: any) => (c.vrrp[0].auth = { password: { secret: "vrrpPassword" } });

test("VRRP secret file: 0600, the key named, a placeholder without the value, the value quoted with it", () => {
  const offline = host(dr(withAuth), "d1");
  const f = fileOf(offline, "/etc/keepalived/pulumi-lvs-auth-VI_1.conf")!;
  assert.deepEqual([f.mode, f.owner, f.group, f.secretKeys], ["0600", "root", "root", ["vrrpPassword"]]);
  assert.match(f.content, /^auth_pass <secret pulumi-lvs:vrrpPassword>$/m);
  const keepalivedUnit = offline.services.find((s) => s.name === "keepalived.service")!;
  assert.deepEqual(keepalivedUnit.files, [CONF, f.path], "a changed password reloads keepalived");
  const online = host(dr(withAuth), "d1", { secrets: { vrrpPassword: "pw!1" } });
  assert.match(content(online, f.path), /^auth_pass "pw!1"$/m, "quoted: unquoted, keepalived reads ! as a comment");
  assert.match(content(host(dr(withAuth), "d1", { secrets: { vrrpPassword: "pw1" } }), f.path), /^auth_pass pw1$/m);
  assert.equal(online.hash, offline.hash, "the secret's value never enters the hash");
  assert.equal(fileOf(host(dr(withAuth), "r1"), f.path), undefined, "real servers hold no VRRP secret");
});

const refusedPasswords: [string, RegExp][] = [
  ['ab"cd', /the character at position 3 is refused/],
  ["", /^\(the VRRP password of group "VI_1"\) is empty$/],
  ["123456789", /is 9 bytes long: VRRP PASS authentication carries 8/],
];
for (const [value, message] of refusedPasswords) {
  test(`VRRP secret file: the password ${JSON.stringify(value)} is refused, naming the secret's key and the group`, () => {
    let error: unknown;
    try {
      renderFromConfig(dr(withAuth), { secrets: { vrrpPassword: value } });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.issues.length, 1);
    const [issue] = error.issues;
    assert.equal(issue.key, "pulumi-lvs:vrrpPassword");
    assert.equal(issue.severity, "error");
    assert.match(issue.message, /^\(the VRRP password of group "VI_1"\) /);
    assert.match(issue.message, message);
  });
}

test("renderSecretFiles: per director, per group with auth; real servers and groups without auth have none", () => {
  const raw = dr((c) => {
    withAuth(c);
    c.vrrp.push({ name: "VI_2", virtualRouterId: 52 });
    c.services[0].vrrp = "VI_1";
    c.services.push({ name: "h2", vip: "10.77.0.101", port: 80, vrrp: "VI_2", realServers: [{ host: "r1" }] });
  });
  const model = buildModel(requireValidCluster(raw).config);
  const files = renderSecretFiles(model, { vrrpPassword: "s3cret" });
  assert.deepEqual(Object.keys(files), ["d1", "d2"]);
  for (const d of ["d1", "d2"]) {
    assert.deepEqual(Object.keys(files[d]), ["/etc/keepalived/pulumi-lvs-auth-VI_1.conf"]);
    assert.equal(files[d]["/etc/keepalived/pulumi-lvs-auth-VI_1.conf"], `! Managed by pulumi-lvs (cluster web, host ${d}). Manual changes are overwritten.\nauth_type PASS\nauth_pass s3cret\n`);
  }
  assert.match(renderSecretFiles(model, {})["d1"]["/etc/keepalived/pulumi-lvs-auth-VI_1.conf"], /<secret pulumi-lvs:vrrpPassword>/);
});

test("hashFiles: path, mode, owner and content count; a secret file's content does not", () => {
  const base: ManagedFile = { path: "/a", content: "x", mode: "0644", owner: "root", group: "root", secretKeys: [], pending: [] };
  const h = hashFiles([base]);
  assert.match(h, /^[0-9a-f]{64}$/);
  for (const change of [{ path: "/b" }, { content: "y" }, { mode: "0600" }, { owner: "nobody" }, { group: "adm" }]) {
    assert.notEqual(hashFiles([{ ...base, ...change }]), h, JSON.stringify(change));
  }
  const secret = { ...base, secretKeys: ["k"] };
  assert.equal(hashFiles([secret]), hashFiles([{ ...secret, content: "other" }]));
  assert.notEqual(hashFiles([secret]), h, "a secret file is hashed as <secret>, not as its content");
  assert.notEqual(hashFiles([base, { ...base, path: "/b" }]), hashFiles([base]));
});

const timeouts: [Record<string, number> | undefined, string | undefined][] = [
  [{ tcp: 900, tcpfin: 120, udp: 300 }, "lvs_timeouts tcp 900 tcpfin 120 udp 300"],
  [{ udp: 30 }, "lvs_timeouts udp 30"],
  [{ tcpfin: 5, tcp: 60 }, "lvs_timeouts tcp 60 tcpfin 5"],
  [undefined, undefined],
];
for (const [given, line] of timeouts) {
  test(`keepalived.conf IPVS timeouts ${JSON.stringify(given)}: ${line ?? "no lvs_timeouts line"}`, () => {
    const conf = content(host(dr((c) => given && (c.ipvs = { timeouts: given })), "d1"), CONF);
    assert.deepEqual(conf.split("\n").filter((l) => l.includes("lvs_timeouts")).map((l) => l.trim()), line ? [line] : []);
  });
}

test("sysctls of a director: the IPVS switches as 0/1, and NAT adds forwarding and no redirects on its interface", () => {
  const plain = host(dr(), "d1").sysctls;
  assert.deepEqual(
    [plain["net.ipv4.vs.expire_nodest_conn"], plain["net.ipv4.vs.expire_quiescent_template"], plain["net.ipv4.vs.sloppy_tcp"], plain["net.ipv4.ip_forward"]],
    ["1", "1", "0", undefined],
  );
  const flipped = host(dr((c) => (c.ipvs = { expireNodestConn: false, expireQuiescentTemplate: false, sloppyTcp: true })), "d1").sysctls;
  assert.deepEqual([flipped["net.ipv4.vs.expire_nodest_conn"], flipped["net.ipv4.vs.expire_quiescent_template"], flipped["net.ipv4.vs.sloppy_tcp"]], ["0", "0", "1"]);
});
