// A director's fwmark rules as files: the nft table or the iptables chain, each with the oneshot unit that loads it at
// boot. The rules are decided once (which service, which VIP and ports, which peer MACs stay unmarked); the backend
// only decides how they are written.
import type { ClusterModel, DirectorModel, FirewallBackend, ServiceModel } from "../model/cluster";
import { Filled, Holes, isPending, Pending, pendingIds, shown } from "../model/discovery";
import { assertNever } from "../util/never";
import { NAMES, PATHS } from "./paths";
import { renderTemplate } from "./templates";
import { nft } from "../formats/nft";
import { iptables } from "../formats/iptables";
import { lineComment } from "../formats/lexicon";

export interface FwmarkRule {
  service: string;
  fwmark: number;
  vip: string;
  protocol: "tcp" | "udp" | "sctp";
  ports: number[];
  /** Source MACs whose packets are left unmarked (peer directors); empty for a plain fwmark service. */
  excludeMacs: string[];
}

/** A mark rule whose peer MACs may still be pending discovery. */
export type PlannedRule = Omit<FwmarkRule, "excludeMacs"> & { excludeMacs: Filled[] };

/** The backend configured for a director, else the one detected on it (pending until discovered). */
export function firewallOf(director: DirectorModel, holes: Holes): FirewallBackend | Pending {
  const found = director.firewall ?? holes.fill("firewall", director.host, "iptables alternative and netfilter-persistent", PATHS.fwmarkNft);
  if (isPending(found) || found === "nftables" || found === "iptables") return found;
  throw new Error(`${director.host}: the discovered firewall backend ${JSON.stringify(found)} is neither nftables nor iptables`);
}

/** The file the rules are written to: the nft one while the backend is still pending (it is not written until known). */
export function rulesPath(backend: FirewallBackend | Pending): string {
  return backend === "iptables" ? PATHS.fwmarkIptables : PATHS.fwmarkNft;
}

function protocolOf(service: ServiceModel): FwmarkRule["protocol"] {
  return service.protocol.toLowerCase() as FwmarkRule["protocol"];
}

/** Directors need the mark rules; so does a co-located host, which is one. A peer's MAC may be left to discovery. */
export function plannedRules(model: ClusterModel, director: DirectorModel, holes: Holes, usedBy: string): PlannedRule[] {
  const peers = model.directors.filter((d) => d.host !== director.host);
  return model.services
    .filter((s) => s.fwmark !== undefined)
    .map((s) => ({
      service: s.name,
      fwmark: s.fwmark!,
      vip: s.vip,
      protocol: protocolOf(s),
      ports: s.markPorts,
      excludeMacs: s.colocated ? peers.map((p) => p.mac ?? holes.fill("mac", p.host, p.interface, usedBy)) : [],
    }));
}

/** An IPv6 VIP's rules go in an `ip6` table of the same name, written only when there are some (IPv4-only files stay as before). */
const isV6 = (rule: Pick<FwmarkRule, "vip">) => rule.vip.includes(":");

function nftRule(rule: PlannedRule): string {
  // A MAC still pending stays a placeholder (the file is not written until it is discovered); a MAC read on a host is
  // checked like a configured one.
  const macs = rule.excludeMacs.map((m) => (isPending(m) ? shown(m) : nft.mac(m)));
  const ports = rule.ports.length === 1 ? `${rule.ports[0]}` : `{ ${rule.ports.join(", ")} }`;
  const exclude = macs.length === 0 ? "" : macs.length === 1 ? ` ether saddr != ${macs[0]}` : ` ether saddr != { ${macs.join(", ")} }`;
  return `${isV6(rule) ? "ip6" : "ip"} daddr ${nft.address(rule.vip)} ${rule.protocol} dport ${ports}${exclude} meta mark set ${rule.fwmark}`;
}

/** multiport takes at most 15 ports per rule. */
const MULTIPORT_MAX = 15;

/**
 * One service's rules in the words iptables-save prints them with (so the rules read back from a host compare line by
 * line): per group of up to 15 ports, a RETURN for each peer MAC, then the mark. A packet a peer forwarded leaves the
 * chain unmarked; no other service's rule can match it, since its VIP, protocol and port are this service's.
 */
export function iptablesRuleLines(rule: Pick<FwmarkRule, "vip" | "protocol" | "ports" | "fwmark"> & { excludeMacs: Filled[] }): string[] {
  const chain = NAMES.iptablesChain;
  const lines: string[] = [];
  for (let i = 0; i < rule.ports.length; i += MULTIPORT_MAX) {
    const match = `-d ${iptables.address(rule.vip)}/32 -p ${rule.protocol} -m multiport --dports ${rule.ports.slice(i, i + MULTIPORT_MAX).join(",")}`;
    for (const m of rule.excludeMacs) lines.push(`-A ${chain} ${match} -m mac --mac-source ${isPending(m) ? shown(m) : iptables.mac(m)} -j RETURN`);
    lines.push(`-A ${chain} ${match} -j MARK --set-xmark 0x${rule.fwmark.toString(16)}/0xffffffff`);
  }
  return lines;
}

export interface FwmarkFiles {
  files: { path: string; content: string; pending: string[] }[];
  unit: { name: string; files: string[] };
  package: string;
}

/** The rules file and its unit for one director, in the backend's format. */
export function fwmarkFiles(model: ClusterModel, host: string, backend: FirewallBackend | Pending, rules: PlannedRule[]): FwmarkFiles {
  const head = { cluster: lineComment(model.name), host: lineComment(host) };
  const pending = pendingIds([...rules.flatMap((r) => r.excludeMacs), ...(isPending(backend) ? [backend] : [])]);
  const kind: FirewallBackend = isPending(backend) ? "nftables" : backend;
  switch (kind) {
    case "nftables": {
      const view = (rs: PlannedRule[]) => rs.map((r) => ({ service: nft.comment(`${r.service} (fwmark ${r.fwmark})`), rule: nftRule(r) }));
      const rules6 = view(rules.filter(isV6));
      const tables = { table: NAMES.nftTable, rules: view(rules.filter((r) => !isV6(r))), rules6: rules6.length > 0 ? rules6 : null };
      return {
        files: [
          { path: PATHS.fwmarkNft, content: renderTemplate("fwmark.nft", { ...head, ...tables }), pending },
          { path: PATHS.fwmarkUnit, content: renderTemplate("fwmark.service", { ...head, table: NAMES.nftTable, ip6: tables.rules6 !== null, path: PATHS.fwmarkNft }), pending: [] },
        ],
        unit: { name: NAMES.fwmarkUnit, files: [PATHS.fwmarkNft, PATHS.fwmarkUnit] },
        package: "nftables",
      };
    }
    case "iptables": {
      const v6 = rules.find(isV6);
      if (v6) throw new Error(`${host}: service "${v6.service}" has an IPv6 VIP with fwmark rules, which pulumi-lvs writes only as an nft ip6 table; this director's fwmark backend is iptables (install nftables, or set directors[].firewall: nftables)`);
      const view = rules.map((r) => ({ service: iptables.comment(`${r.service} (fwmark ${r.fwmark})`), lines: iptablesRuleLines(r) }));
      const chain = NAMES.iptablesChain;
      return {
        files: [
          { path: PATHS.fwmarkIptables, content: renderTemplate("fwmark.iptables", { ...head, chain, rules: view }), pending },
          { path: PATHS.fwmarkIptablesUnit, content: renderTemplate("fwmark-iptables.service", { ...head, chain, path: PATHS.fwmarkIptables }), pending: [] },
        ],
        unit: { name: NAMES.fwmarkIptablesUnit, files: [PATHS.fwmarkIptables, PATHS.fwmarkIptablesUnit] },
        package: "iptables",
      };
    }
    default:
      return assertNever(kind, "firewall backend");
  }
}
