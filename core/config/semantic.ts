// Rules the schema cannot express: cross-references, VRRP arithmetic, LVS forwarding constraints.
import type { ClusterConfig } from "./schema";
import { ConfigIssue, configKey, PathPart, Severity } from "./issues";
import { assignVrids } from "../model/vrid";
import { assignFwmarks, directorHostNames, isColocated, serviceGroupName } from "../model/cluster";
import { own } from "../util/own";
import { inCidr, sameNetwork } from "../model/cidr";
import { isConnectionCheck } from "../model/health-check";
import { vocabularyRules } from "./semantic-vocabulary";
import { familyRules } from "./semantic-families";
import { addressesOf, subnetIn, addressIn, vipFamily } from "../model/family";
import { canonicalIp, Family } from "../model/ip";

type Report = (path: PathPart[], message: string, severity?: Severity) => void;
type Rule = (config: ClusterConfig, report: Report) => void;

const uniqueHosts: Rule = (c, report) => {
  const names = new Map<string, number>();
  const addresses = new Map<string, number>();
  c.hosts.forEach((h, i) => {
    if (names.has(h.name)) report(["hosts", i, "name"], `duplicates hosts[${names.get(h.name)}].name "${h.name}"`);
    else names.set(h.name, i);
    if (addresses.has(h.address)) report(["hosts", i, "address"], `${h.address} is also hosts[${addresses.get(h.address)}].address`);
    else addresses.set(h.address, i);
  });
  // IPv6 addresses compare in their canonical form (fd77::0011 and fd77::11 are one address).
  const all = new Map<string, string>();
  c.hosts.forEach((h, i) =>
    (["address", "address6"] as const).forEach((k) => {
      const a = h[k];
      if (a === undefined || !a.includes(":")) return;
      const other = all.get(canonicalIp(a));
      if (other !== undefined) report(["hosts", i, k], `${a} is also ${other}`);
      else all.set(canonicalIp(a), `hosts[${i}].${k}`);
    }),
  );
};

const hostReferences: Rule = (c, report) => {
  const known = new Set(c.hosts.map((h) => h.name));
  const check = (path: PathPart[], host: string) => {
    if (!known.has(host)) report(path, `names host "${host}", which is not in pulumi-lvs:cluster.hosts`);
  };
  const seenDirectors = new Set<string>();
  c.directors.forEach((d, i) => {
    check(["directors", i, "host"], d.host);
    if (seenDirectors.has(d.host)) report(["directors", i, "host"], `"${d.host}" is listed as a director twice`);
    seenDirectors.add(d.host);
  });
  const seenRealServers = new Map<string, number>();
  c.realServers.forEach((r, i) => {
    check(["realServers", i, "host"], r.host);
    const first = seenRealServers.get(r.host);
    if (first !== undefined) report(["realServers", i, "host"], `"${r.host}" is already listed as realServers[${first}]; merge the two entries`);
    else seenRealServers.set(r.host, i);
  });
  c.services.forEach((s, i) => {
    const seen = new Set<string>();
    s.realServers.forEach((m, j) => {
      check(["services", i, "realServers", j, "host"], m.host);
      const id = `${m.host}:${m.port ?? ""}`;
      if (seen.has(id)) report(["services", i, "realServers", j, "host"], `"${m.host}" is a member of this service twice`);
      seen.add(id);
    });
  });
  const directors = directorHostNames(c);
  c.vrrp.forEach((g, i) =>
    Object.keys(g.priorities ?? {}).forEach((host) => {
      if (!directors.has(host)) report(["vrrp", i, "priorities", host], `"${host}" is not a director`);
    }),
  );
  const members = new Set(c.services.flatMap((s) => s.realServers.map((m) => m.host)));
  c.realServers.forEach((r, i) => {
    if (!members.has(r.host)) report(["realServers", i, "host"], `"${r.host}" is not a member of any service`, "warning");
  });
};

const groupNames: Rule = (c, report) => {
  const names = new Set<string>();
  c.vrrp.forEach((g, i) => {
    if (names.has(g.name)) report(["vrrp", i, "name"], `duplicate vrrp group name "${g.name}"`);
    names.add(g.name);
  });
  c.services.forEach((s, i) => {
    if (s.vrrp !== undefined && !names.has(s.vrrp)) report(["services", i, "vrrp"], `names vrrp group "${s.vrrp}", which does not exist`);
    if (s.vrrp === undefined && c.vrrp.length > 1)
      report(["services", i, "vrrp"], `is required when there is more than one vrrp group (one of: ${[...names].join(", ")})`);
  });
  c.vrrp.forEach((g, i) => {
    const used = c.services.some((s) => (s.vrrp ?? (c.vrrp.length === 1 ? c.vrrp[0].name : undefined)) === g.name);
    if (!used) report(["vrrp", i], `group "${g.name}" carries no VIP (keepalived rejects an instance without one): assign a service to it with services[].vrrp, or remove it`);
  });
  if (c.sync.vrrp !== undefined && !names.has(c.sync.vrrp)) report(["sync", "vrrp"], `names vrrp group "${c.sync.vrrp}", which does not exist`);
};

/** Groups share an L2 segment when their interfaces can coincide; VRIDs must then differ. */
const vridUnique: Rule = (c, report) => {
  const reserved = new Set(c.reservedVirtualRouterIds);
  const ifaces = (i: number) => new Set(c.directors.map((d) => c.vrrp[i].interface ?? d.interface));
  const vrids = assignVrids(c);
  c.vrrp.forEach((_, i) => {
    const { vrid, derived } = vrids[i];
    const where = derived ? `derived VRID ${vrid}` : `${vrid}`;
    if (!derived && reserved.has(vrid))
      report(["vrrp", i, "virtualRouterId"], `${vrid} is listed in reservedVirtualRouterIds (used by another router on the segment)`);
    if (derived && reserved.has(vrid)) report(["vrrp", i, "virtualRouterId"], `no free VRID is left to derive; set one explicitly`);
    for (let j = 0; j < i; j++) {
      if (vrids[j].vrid !== vrid) continue;
      const shared = [...ifaces(i)].filter((x) => ifaces(j).has(x));
      if (shared.length > 0)
        report(["vrrp", i, "virtualRouterId"], `${where} is also used by vrrp[${j}] ("${c.vrrp[j].name}") on interface ${shared[0]}; VRIDs must be unique per segment`);
    }
  });
};

function effectivePriorities(c: ClusterConfig, gi: number): { host: string; priority: number; index: number }[] {
  const g = c.vrrp[gi];
  return c.directors.map((d, index) => ({ host: d.host, priority: own(g.priorities, d.host) ?? d.priority, index }));
}

const prioritiesDistinct: Rule = (c, report) => {
  c.vrrp.forEach((g, gi) => {
    const seen = new Map<number, string>();
    for (const p of effectivePriorities(c, gi)) {
      const other = seen.get(p.priority);
      if (other !== undefined) {
        // Name the key the user set: this director's override, else the other one's override, else its base priority.
        const overridden = [p.host, other].find((h) => own(g.priorities, h) !== undefined);
        const path: PathPart[] = overridden !== undefined ? ["vrrp", gi, "priorities", overridden] : ["directors", p.index, "priority"];
        report(path, `priority ${p.priority} of "${p.host}" equals that of "${other}" in vrrp group "${g.name}"; priorities must differ so the election is deterministic`);
      }
      seen.set(p.priority, p.host);
    }
  });
};

const nopreemptNeedsBackup: Rule = (c, report) => {
  const uses = c.vrrp
    .filter((g) => g.nopreempt || g.preemptDelay !== undefined)
    .map((g) => `vrrp group "${g.name}" uses ${g.nopreempt ? "nopreempt" : "preemptDelay"}`);
  if (uses.length === 0) return;
  c.directors.forEach((d, i) => {
    if (d.state === "MASTER")
      report(["directors", i, "state"], `must be BACKUP: ${uses.join(", ")}, which keepalived ignores on a node whose initial state is MASTER`);
  });
};

/** keepalived keeps effective priorities within 1..254 (255 is the address owner). */
const PRIORITY_CEILING = 254;

const trackWeights: Rule = (c, report) => {
  c.vrrp.forEach((g, gi) => {
    const prios = effectivePriorities(c, gi).map((p) => p.priority).sort((a, b) => b - a);
    if (prios.length < 2) return;
    const gap = prios[0] - prios[1];
    g.trackScripts.forEach((t, ti) => {
      if (t.weight === 0) return;
      if (Math.abs(t.weight) <= gap)
        report(["vrrp", gi, "trackScripts", ti, "weight"], `|${t.weight}| must be greater than the priority gap ${gap} (${prios[0]} − ${prios[1]}), or a failing check can never move the VIP; use a larger weight or 0 (FAULT on failure)`);
      // keepalived clamps effective priorities to 1..254: a healthy backup pushed to the ceiling ties with the master.
      else if (t.weight > 0 && prios[1] + t.weight >= PRIORITY_CEILING)
        report(["vrrp", gi, "trackScripts", ti, "weight"], `${prios[1]} + ${t.weight} reaches keepalived's priority ceiling ${PRIORITY_CEILING}, so a healthy backup ties with the master; lower the priorities so that ${prios[1]} + weight < ${PRIORITY_CEILING}, or use a negative weight or 0 (FAULT on failure)`);
      else if (t.weight < 0 && prios[0] + t.weight < 1 && prios[1] === 1)
        report(["vrrp", gi, "trackScripts", ti, "weight"], `a failing master drops to keepalived's priority floor 1, which ties with the backup's priority 1; raise the backup's priority above 1`);
      if (g.nopreempt)
        report(["vrrp", gi, "trackScripts", ti, "weight"], `has no effect with nopreempt: a running master keeps the VIP whatever its priority; use weight 0 (FAULT on failure)`, "warning");
    });
  });
};

const strictRefused: Rule = (c, report) => {
  c.vrrp.forEach((g, i) => {
    if (g.strict)
      report(["vrrp", i, "strict"], "vrrp_strict is refused: it makes keepalived install firewall rules that silently drop traffic to the VIPs (no_accept), which breaks an LVS director; remove it");
  });
};

const forwardingRules: Rule = (c, report) => {
  const fwmarks = assignFwmarks(c);
  c.services.forEach((s, i) => {
    if (s.forwarding === "FULLNAT") {
      report(["services", i, "forwarding"], "FULLNAT is refused: it is not in mainline Linux kernels (only in out-of-tree IPVS forks); use DR, NAT or TUN");
      return;
    }
    const fwmark = fwmarks[i];
    if (fwmark === undefined && s.port === undefined) report(["services", i, "port"], "is required unless the service uses fwmark");
    if (s.forwarding === "DR" || s.forwarding === "TUN") {
      const allowed = new Set([s.port, ...(s.ports ?? [])].filter((p) => p !== undefined));
      s.realServers.forEach((m, j) => {
        if (m.port !== undefined && !allowed.has(m.port))
          report(["services", i, "realServers", j, "port"], `${m.port} differs from the virtual port: ${s.forwarding} cannot remap ports (the real server must listen on the VIP's port); remove it or use NAT`);
      });
    }
    if (fwmark !== undefined && s.ports === undefined && s.port === undefined)
      report(["services", i, "ports"], "is required for a fwmark service without `port`: the mark rules need to know which ports to mark");
    const hc = s.healthCheck;
    if (isConnectionCheck(hc) && (hc.port ?? s.port ?? s.ports?.[0]) === undefined && s.realServers.some((m) => m.port === undefined))
      report(["services", i, "healthCheck", "port"], "is required: the service has no port to probe");
    if (s.ports !== undefined && fwmark === undefined)
      report(["services", i, "ports"], "only applies to fwmark services; set `fwmark` or use `port`");
  });
};

/** keepalived warns (and its config test fails) when live weight cannot reach the quorum (default 1). */
const weightReachesQuorum: Rule = (c, report) => {
  c.services.forEach((s, i) => {
    const total = s.realServers.reduce((sum, m) => sum + m.weight, 0);
    const quorum = s.quorum ?? 1;
    if (total < quorum)
      report(s.quorum !== undefined ? ["services", i, "quorum"] : ["services", i, "realServers"], `members' total weight ${total} is below the quorum ${quorum}: keepalived would take the service down; keep at least one member with weight > 0${s.quorum !== undefined ? " or lower the quorum" : ""}`);
  });
};

const dupServices: Rule = (c, report) => {
  const seen = new Map<string, number>();
  const fwmarks = assignFwmarks(c);
  c.services.forEach((s, i) => {
    const id = fwmarks[i] !== undefined ? `fwmark ${fwmarks[i]}` : `${canonicalIp(s.vip)}:${s.port}/${s.protocol}`;
    if (seen.has(id)) report(["services", i], `${id} is also served by services[${seen.get(id)}]`);
    else seen.set(id, i);
  });
  const names = new Set<string>();
  c.services.forEach((s, i) => {
    if (names.has(s.name)) report(["services", i, "name"], `duplicate service name "${s.name}"`);
    names.add(s.name);
  });
};

const fwmarksUnique: Rule = (c, report) => {
  const seen = new Map<number, number>();
  c.services.forEach((s, i) => {
    if (s.fwmark === undefined) return;
    if (seen.has(s.fwmark)) report(["services", i, "fwmark"], `${s.fwmark} is also used by services[${seen.get(s.fwmark)}]; fwmarks must be unique`);
    else seen.set(s.fwmark, i);
  });
};

const vipNotHostAddress: Rule = (c, report) => {
  const byAddress = new Map(c.hosts.flatMap((h) => addressesOf(h).map((a) => [a, h.name] as const)));
  c.services.forEach((s, i) => {
    const host = byAddress.get(canonicalIp(s.vip));
    if (host !== undefined) report(["services", i, "vip"], `${s.vip} is the address of host "${host}"; a VIP must be an address no host owns`);
  });
};

/** Two groups carrying one VIP can have different masters, and both would then hold the address. */
const vipOneGroup: Rule = (c, report) => {
  const groupOf = new Map<string, { group: string; index: number }>();
  c.services.forEach((s, i) => {
    const group = serviceGroupName(c, i);
    if (group === undefined) return;
    for (const vip of [s.vip, ...(s.groupVips ?? [])].map(canonicalIp)) {
      const first = groupOf.get(vip);
      if (first === undefined) groupOf.set(vip, { group, index: i });
      else if (first.group !== group)
        report(["services", i, "vrrp"], `puts VIP ${vip} in vrrp group "${group}", but services[${first.index}] carries it in "${first.group}"; every service of one VIP must use the same group`);
    }
  });
};

const colocation: Rule = (c, report) => {
  c.services.forEach((s, i) => {
    if (!isColocated(c, i)) return;
    if (s.forwarding === "NAT" || s.forwarding === "TUN")
      report(["services", i, "forwarding"], `${s.forwarding} cannot be used when a director is also a member (co-located); only DR with peer-MAC fwmark rules avoids the forwarding loop`);
  });
};

/** Directors and the DR members of one family's services share one segment of that family. */
function drSegment(c: ClusterConfig, family: Family, report: Report): void {
  const dr = c.services.filter((s) => s.forwarding === "DR" && vipFamily(s.vip) === family);
  const drMembers = new Set(dr.flatMap((s) => s.realServers.map((m) => m.host)));
  if (drMembers.size === 0) return;
  const v6 = family === 6 ? "IPv6 " : "";
  const hostOf = (name: string) => c.hosts.find((x) => x.name === name);
  const subnetOf = (name: string) => subnetIn(c, hostOf(name), family);
  const hosts = [...new Set([...c.directors.map((d) => d.host), ...drMembers])];
  const missing = hosts.filter((h) => hostOf(h) !== undefined && subnetOf(h) === undefined);
  if (missing.length > 0) {
    const key = family === 6 && c.hosts.some((h) => h.address6 !== undefined) ? "subnet6" : "subnet";
    report([key], `is required for ${v6}DR services (hosts ${missing.join(", ")} have no ${v6}subnet): directors and DR real servers must share one L2 segment`);
    return;
  }
  const reference = subnetOf(c.directors[0].host);
  if (reference === undefined) return;
  c.hosts.forEach((h, i) => {
    const address = addressIn(h, family);
    if (!hosts.includes(h.name) || address === undefined) return;
    const addressKey = h.address6 !== undefined && family === 6 ? "address6" : "address";
    const subnet = subnetOf(h.name)!;
    const own = [h.subnet, h.subnet6].find((x) => x === subnet);
    if (!inCidr(address, subnet)) report(["hosts", i, addressKey], `${h[addressKey]} is not inside its ${v6}subnet ${subnet}`);
    else if (!sameNetwork(subnet, reference))
      report(["hosts", i, own !== undefined ? (own === h.subnet ? "subnet" : "subnet6") : addressKey], `"${h.name}" is on ${subnet} but director "${c.directors[0].host}" is on ${reference}; ${v6}DR needs directors and real servers on the same L2 segment (use TUN across segments)`);
  });
}

const drSameSegment: Rule = (c, report) => {
  drSegment(c, 4, report);
  drSegment(c, 6, report);
};

const advisories: Rule = (c, report) => {
  if (c.directors.length < 2)
    report(["directors"], "has one director: there is no failover; add a second director for high availability", "warning");
  c.vrrp.forEach((g, i) => {
    if (g.auth) report(["vrrp", i, "auth"], "VRRP PASS authentication is obsolete and sent in clear text; isolate the segment instead", "warning");
    if (!g.unicast && c.directors.some((d) => d.unicastPeers !== undefined))
      report(["vrrp", i, "unicast"], "is false, so directors[].unicastPeers are ignored for this group", "warning");
  });
};

const rules: Rule[] = [
  uniqueHosts,
  hostReferences,
  groupNames,
  vridUnique,
  prioritiesDistinct,
  nopreemptNeedsBackup,
  trackWeights,
  strictRefused,
  forwardingRules,
  dupServices,
  weightReachesQuorum,
  fwmarksUnique,
  vipNotHostAddress,
  vipOneGroup,
  colocation,
  drSameSegment,
  advisories,
  ...vocabularyRules,
  ...familyRules,
];

export function checkSemantics(config: ClusterConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const report: Report = (path, message, severity = "error") => issues.push({ key: configKey(path), message, severity });
  for (const rule of rules) rule(config, report);
  return issues;
}
