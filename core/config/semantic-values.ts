// Rules on values the schema accepts but a host cannot use as meant: addresses that cannot be a VIP or a peer, MACs
// two directors share, a director peering with itself, netmasks with holes, and track scripts that keepalived would
// merge into one (it has a single vrrp_script per name).
import type { ClusterConfig, TrackScriptConfig } from "./schema";
import { ConfigIssue, configKey, PathPart } from "./issues";
import { ipToInt, parseCidr } from "../model/cidr";
import { canonicalSysctlKey } from "../formats/sysctl";
import { canonicalIp, familyOf, specialRange6 } from "../model/ip";
import { addressesOf } from "../model/family";

type Report = (path: PathPart[], message: string) => void;

/**
 * Ranges no address on a segment can come from (RFC 6890): the reason, or undefined for a usable address. A host's
 * own address may be a loopback one (a test double of a host), a VIP or a VRRP peer may not: it never leaves a host.
 */
function specialRange(ip: string, loopback: "allowed" | "refused" = "refused"): string | undefined {
  if (familyOf(ip) === 6) return ip !== "::1" || loopback === "refused" ? specialRange6(ip) : undefined;
  if (familyOf(ip) !== 4) return undefined;
  const first = Number(ip.split(".")[0]);
  if (ip === "0.0.0.0") return "the unspecified address";
  if (first === 0) return `in 0.0.0.0/8 ("this network"), which no host can own`;
  if (first === 127 && loopback === "refused") return "a loopback address (127.0.0.0/8), which never leaves the host";
  if (ip === "255.255.255.255") return "the limited broadcast address";
  if (first >= 224 && first <= 239) return "a multicast address (224.0.0.0/4)";
  if (first >= 240) return "in the reserved range 240.0.0.0/4";
  return undefined;
}

/** The network or broadcast address of a subnet that contains `ip` (prefixes up to /30 have both). */
function subnetEdge(ip: string, subnets: string[]): string | undefined {
  // IPv6 has no broadcast address, and the all-zero one of a prefix is the subnet-router anycast address.
  if (familyOf(ip) !== 4) return undefined;
  const n = ipToInt(ip);
  for (const subnet of subnets) {
    const parsed = familyOf(subnet.split("/")[0]) === 4 ? parseCidr(subnet) : undefined;
    if (!parsed || parsed.prefix > 30) continue;
    const size = 2 ** (32 - parsed.prefix);
    if (n === parsed.network) return `the network address of the subnet ${subnet}`;
    if (n === parsed.network + size - 1) return `the broadcast address of the subnet ${subnet}`;
  }
  return undefined;
}

function subnetsOf(c: ClusterConfig): string[] {
  return [...new Set([c.subnet, ...c.hosts.map((h) => h.subnet)].filter((s): s is string => s !== undefined))];
}

const usableAddresses = (c: ClusterConfig, report: Report) => {
  const subnets = subnetsOf(c);
  const check = (path: PathPart[], ip: string, what: string, consequence: string, loopback?: "allowed") => {
    const why = specialRange(ip, loopback) ?? subnetEdge(ip, subnets);
    if (why) report(path, `${ip} is ${why}, so it cannot be ${what}${consequence}`);
  };
  c.services.forEach((s, i) => {
    const len = familyOf(s.vip) === 6 ? 128 : 32;
    const consequence = ` (keepalived would add ${s.vip}/${len} to the directors and real servers would bind it on lvs0); use a host address of the segment that no host owns`;
    check(["services", i, "vip"], s.vip, "a VIP", consequence);
    (s.groupVips ?? []).forEach((v, j) => check(["services", i, "groupVips", j], v, "a VIP", ""));
  });
  c.hosts.forEach((h, i) => check(["hosts", i, "address"], h.address, "a host's address", "", "allowed"));
  c.hosts.forEach((h, i) => h.address6 !== undefined && check(["hosts", i, "address6"], h.address6, "a host's address", ""));
  c.directors.forEach((d, i) => d.unicastPeers?.forEach((p, j) => check(["directors", i, "unicastPeers", j], p, "a VRRP peer", "")));
};

const unicastPeers = (c: ClusterConfig, report: Report) => {
  c.directors.forEach((d, i) => {
    const host = c.hosts.find((h) => h.name === d.host);
    const own = host ? addressesOf(host) : [];
    const seen = new Map<string, number>();
    d.unicastPeers?.forEach((peer, j) => {
      if (own.includes(canonicalIp(peer))) report(["directors", i, "unicastPeers", j], `${peer} is this director's own address: a director does not peer with itself (keepalived would send its adverts to itself); list only the other directors`);
      else if (seen.has(peer)) report(["directors", i, "unicastPeers", j], `${peer} is also unicastPeers[${seen.get(peer)}]; list each peer once`);
      seen.set(peer, j);
    });
  });
};

const directorMacs = (c: ClusterConfig, report: Report) => {
  const seen = new Map<string, number>();
  c.directors.forEach((d, i) => {
    if (d.mac === undefined) return;
    const mac = d.mac.toLowerCase();
    const firstOctet = Number.parseInt(mac.slice(0, 2), 16);
    if (/^(00:){5}00$/.test(mac)) report(["directors", i, "mac"], `${d.mac} is the all-zero MAC, which no interface transmits from`);
    else if (firstOctet & 1) report(["directors", i, "mac"], `${d.mac} is a multicast MAC (the lowest bit of its first octet is set), which no interface transmits from`);
    else if (seen.has(mac))
      report(["directors", i, "mac"], `${d.mac} is also directors[${seen.get(mac)}].mac: each director transmits from its own MAC, and the peer-MAC mark rule on one would then exclude its own packets`);
    seen.set(mac, i);
  });
};

/** A netmask is ones then zeros: `~mask + 1` is a power of two. */
function contiguous(mask: string): boolean {
  const inverted = ~ipToInt(mask) >>> 0;
  return (inverted & (inverted + 1)) === 0;
}

const granularity = (c: ClusterConfig, report: Report) => {
  c.services.forEach((s, i) => {
    const g = s.persistence?.granularity;
    if (g !== undefined && !contiguous(g))
      report(["services", i, "persistence", "granularity"], `${g} is not a contiguous netmask: IPVS groups clients by masking their address with it, so it must be ones followed by zeros, e.g. 255.255.255.0`);
  });
};

const definition = (t: TrackScriptConfig) => JSON.stringify([t.script, t.interval, t.timeout ?? null, t.weight, t.fall, t.rise]);

/** keepalived.conf has one vrrp_script per name for all groups: one name, one definition. */
const trackScripts = (c: ClusterConfig, report: Report) => {
  const first = new Map<string, { t: TrackScriptConfig; at: string }>();
  c.vrrp.forEach((g, gi) => {
    const inGroup = new Set<string>();
    g.trackScripts.forEach((t, ti) => {
      const path: PathPart[] = ["vrrp", gi, "trackScripts", ti, "name"];
      if (inGroup.has(t.name)) report(path, `"${t.name}" is listed twice in vrrp group "${g.name}"`);
      inGroup.add(t.name);
      const earlier = first.get(t.name);
      if (earlier === undefined) first.set(t.name, { t, at: `vrrp[${gi}].trackScripts[${ti}]` });
      else if (definition(earlier.t) !== definition(t)) {
        const what = earlier.t.script !== t.script ? `script (${JSON.stringify(earlier.t.script)} vs ${JSON.stringify(t.script)})` : "settings (interval, timeout, weight, fall, rise)";
        report(path, `"${t.name}" is also defined by ${earlier.at} with a different ${what}: keepalived.conf has one vrrp_script per name, so one definition would be silently lost; rename one, or make them identical`);
      }
    });
  });
};

/** Two spellings of one key in one map (net/ipv4/ip_forward, net.ipv4.ip_forward) would silently keep only one. */
const sysctlSpellings = (c: ClusterConfig, report: Report) => {
  const check = (values: Record<string, unknown>, at: PathPart[]) => {
    const seen = new Map<string, string>();
    for (const key of Object.keys(values)) {
      const canonical = canonicalSysctlKey(key);
      const other = seen.get(canonical);
      if (other !== undefined) report([...at, key], `is the same sysctl as ${JSON.stringify(other)} (${canonical}); only one value can apply, so set it once`);
      else seen.set(canonical, key);
    }
  };
  check(c.sysctls, ["sysctls"]);
  c.hosts.forEach((h, i) => check(h.sysctls, ["hosts", i, "sysctls"]));
};

const rules = [usableAddresses, unicastPeers, directorMacs, granularity, trackScripts, sysctlSpellings];

export function checkValues(config: ClusterConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const report: Report = (path, message) => issues.push({ key: configKey(path), message, severity: "error" });
  for (const rule of rules) rule(config, report);
  return issues;
}
