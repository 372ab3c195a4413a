// `pulumi-lvs status`, the pure part: what to read from each host, and facts + the rendered desired state → a report
// (VRRP state per director, VIPs held, IPVS table with counters, real-server VIPs and ARP settings, and every
// difference from the stack config as a problem). No I/O here; cli/status.ts gathers the facts over SSH.
//
// How a director's VRRP state is decided, per VRRP group:
//   - host unreachable                                  → UNKNOWN
//   - keepalived.service not active (inactive, failed)  → STOPPED
//   - otherwise the latest "(GROUP) Entering X STATE" line in `journalctl -u keepalived` since keepalived's latest
//     start decides: MASTER, BACKUP or FAULT (keepalived's own view);
//   - when the journal has no such line (rotated away, not readable), the addresses decide: holding every VIP of the
//     group on its VRRP interface → MASTER, else BACKUP (marked as inferred).
// The addresses are then checked against that state: a MASTER missing a VIP, or a BACKUP/FAULT/STOPPED director
// still holding one, is a problem. A director counts as master of a group when its state is MASTER or it holds
// any of the group's VIPs; more than one is "two masters", none is "no master".
import type { ClusterModel, Forwarding, ServiceModel } from "../core/model/cluster";
import { serviceVips } from "../core/model/cluster";
import type { HostState } from "../core/render/host-state";
import { NAMES } from "../core/render/paths";
import type { HostStatusFacts, StatusFactsPlan } from "../host/facts/status-facts";
import type { IpvsService } from "../host/facts/ipvs";
import { ipvsKey, serviceEndpoint } from "../host/facts/ipvs";
import type { VrrpLoggedState } from "../host/facts/vrrp-journal";

export type VrrpStatus = "MASTER" | "BACKUP" | "FAULT" | "STOPPED" | "UNKNOWN";

export type ProblemCode =
  | "unreachable"
  | "keepalived-not-running"
  | "no-master"
  | "two-masters"
  | "unexpected-master"
  | "vrrp-fault"
  | "vip-missing"
  | "vip-on-backup"
  | "ipvs-not-loaded"
  | "ipvs-service-missing"
  | "ipvs-service-unexpected"
  | "ipvs-scheduler-wrong"
  | "ipvs-realserver-missing"
  | "ipvs-realserver-unexpected"
  | "ipvs-weight-wrong"
  | "ipvs-forwarding-wrong"
  | "rs-vip-missing"
  | "arp-wrong";

export interface Problem {
  code: ProblemCode;
  host?: string;
  group?: string;
  service?: string;
  message: string;
}

export interface DirectorGroupStatus {
  group: string;
  vrid: number;
  priority: number;
  interface: string;
  state: VrrpStatus;
  /** Where the state came from: keepalived's journal, or inferred from the addresses. */
  source: "journal" | "addresses" | "unit" | "none";
  since: string | null;
  vips: string[];
  vipsHeld: string[];
}

export interface IpvsRealServerStatus {
  address: string;
  port: number;
  /** The config's host name for this address, when it is one. */
  host: string | null;
  forward: string;
  weight: number;
  /** Weight the config asks for; null when the config does not list this real server. */
  expectedWeight: number | null;
  activeConn: number;
  inactConn: number;
}

export interface IpvsServiceStatus {
  key: string;
  /** Config service name; null when the config has no such virtual service. */
  service: string | null;
  scheduler: string;
  flags: string;
  realServers: IpvsRealServerStatus[];
}

export interface DirectorStatus {
  host: string;
  address: string;
  reachable: boolean;
  error?: string;
  /** keepalived.service ActiveState (active, inactive, failed, …), "unknown" when unreachable. */
  keepalived: string;
  groups: DirectorGroupStatus[];
  ipvsLoaded: boolean;
  ipvs: IpvsServiceStatus[];
}

export interface RealServerStatus {
  host: string;
  address: string;
  reachable: boolean;
  error?: string;
  vips: { vip: string; bound: boolean }[];
  arp: { interface: string | null; arpIgnore: number | null; arpAnnounce: number | null; expectedIgnore: number; expectedAnnounce: number; ok: boolean } | null;
}

export interface GroupStatus {
  group: string;
  vrid: number;
  vips: string[];
  masters: string[];
  /** The running, non-FAULT director with the highest priority (who should be MASTER with preemption). */
  expectedMaster: string | null;
}

export interface StatusReport {
  cluster: string;
  ok: boolean;
  groups: GroupStatus[];
  directors: DirectorStatus[];
  realServers: RealServerStatus[];
  problems: Problem[];
}

export type HostResult = HostStatusFacts | { error: string };

/** What to read on each host of the model (directors and real servers; a co-located host is both). */
export function statusPlans(model: ClusterModel): Record<string, StatusFactsPlan> {
  const plans: Record<string, StatusFactsPlan> = {};
  const toward = model.directors[0]?.address ?? "";
  for (const d of model.directors) {
    const ifaces = new Set(model.groups.flatMap((g) => g.members.filter((m) => m.host === d.host).map((m) => m.interface)));
    plans[d.host] = { director: true, vrrpInterfaces: [...ifaces].sort() };
  }
  for (const rs of model.realServers) {
    if (rs.vips.length === 0) continue;
    const plan = (plans[rs.host] ??= { director: false, vrrpInterfaces: [] });
    plan.realServer = { interface: rs.interface ?? null, toward };
  }
  return plans;
}

const ip = (cidr: string) => cidr.split("/")[0];
const RUNNING = new Set(["active", "reloading"]);
/** How ipvsadm names each forwarding method: a method without an entry does not compile. */
const METHOD: Record<Forwarding, string> = { DR: "Route", NAT: "Masq", TUN: "Tunnel" };

/** The IPVS services a service is: one, or one per VIP of a virtual_server_group. */
function expectedKeys(s: ServiceModel): string[] {
  return s.fwmark !== undefined ? [`FWM ${s.fwmark}`] : serviceVips(s).map((vip) => `${s.protocol} ${serviceEndpoint(vip, s.port)}`);
}

function isError(r: HostResult | undefined): r is { error: string } {
  return !!r && "error" in r;
}

export function statusReport(model: ClusterModel, hosts: HostState[], facts: Record<string, HostResult>): StatusReport {
  const problems: Problem[] = [];
  // Members are reached at their address of the service's family: an IPv6 one names its host too.
  const hostByAddress = new Map([...model.services.flatMap((s) => s.members.map((m) => [m.address, m.host] as const)), ...model.hosts.map((h) => [h.address, h.name] as const)]);
  const directors: DirectorStatus[] = [];

  for (const d of model.directors) {
    const f = facts[d.host];
    const status: DirectorStatus = { host: d.host, address: d.address, reachable: !!f && !isError(f), keepalived: "unknown", groups: [], ipvsLoaded: false, ipvs: [] };
    if (!f || isError(f)) {
      status.error = f ? f.error : "no facts";
      problems.push({ code: "unreachable", host: d.host, message: `${d.host}: cannot read its state: ${status.error}` });
    }
    const facts_ = f && !isError(f) ? f : undefined;
    const running = facts_ ? RUNNING.has(facts_.keepalived?.active ?? "") : false;
    if (facts_) {
      status.keepalived = facts_.keepalived?.active ?? "unknown";
      if (!running) problems.push({ code: "keepalived-not-running", host: d.host, message: `${d.host}: keepalived is ${status.keepalived} (not running)` });
    }
    for (const g of model.groups) {
      const member = g.members.find((m) => m.host === d.host);
      if (!member) continue;
      const held = facts_ ? (facts_.interfaces[member.interface] ?? []).map(ip).filter((a) => g.vips.includes(a)) : [];
      let state: VrrpStatus = "UNKNOWN";
      let source: DirectorGroupStatus["source"] = "none";
      let since: string | null = null;
      if (facts_ && !running) {
        state = "STOPPED";
        source = "unit";
      } else if (facts_) {
        const logged: { state: VrrpLoggedState; at: string } | undefined = facts_.journal?.instances[g.name];
        if (logged) {
          state = logged.state;
          source = "journal";
          since = logged.at;
        } else {
          state = g.vips.length > 0 && g.vips.every((v) => held.includes(v)) ? "MASTER" : "BACKUP";
          source = "addresses";
        }
      }
      status.groups.push({ group: g.name, vrid: g.vrid, priority: member.priority, interface: member.interface, state, source, since, vips: [...g.vips], vipsHeld: held });
      if (state === "FAULT") problems.push({ code: "vrrp-fault", host: d.host, group: g.name, message: `${d.host}: ${g.name} is in FAULT state (interface down or a track script failing)` });
      if (state === "MASTER") {
        const missing = g.vips.filter((v) => !held.includes(v));
        if (missing.length > 0) problems.push({ code: "vip-missing", host: d.host, group: g.name, message: `${d.host}: MASTER of ${g.name} but ${missing.join(", ")} not on ${member.interface}` });
      } else if (held.length > 0 && facts_) {
        problems.push({ code: "vip-on-backup", host: d.host, group: g.name, message: `${d.host}: ${state} in ${g.name} but holds ${held.join(", ")} on ${member.interface}` });
      }
    }
    if (facts_?.ipvs) {
      status.ipvsLoaded = facts_.ipvs.loaded;
      status.ipvs = ipvsStatus(model, facts_.ipvs.services, hostByAddress);
      if (running) problems.push(...ipvsProblems(model, d.host, facts_.ipvs.loaded, facts_.ipvs.services));
    }
    directors.push(status);
  }

  const groups: GroupStatus[] = model.groups.map((g) => {
    const members = directors.flatMap((d) => d.groups.filter((x) => x.group === g.name).map((x) => ({ host: d.host, ...x })));
    const masters = members.filter((m) => m.state === "MASTER" || m.vipsHeld.length > 0).map((m) => m.host);
    const eligible = members.filter((m) => m.state === "MASTER" || m.state === "BACKUP").sort((a, b) => b.priority - a.priority);
    const expectedMaster = eligible[0]?.host ?? null;
    if (masters.length === 0) problems.push({ code: "no-master", group: g.name, message: `${g.name}: no director is MASTER (VIPs ${g.vips.join(", ") || "none"} are not served)` });
    else if (masters.length > 1) problems.push({ code: "two-masters", group: g.name, message: `${g.name}: ${masters.length} directors act as MASTER (${masters.join(", ")}): split brain` });
    else if (!g.nopreempt && expectedMaster && masters[0] !== expectedMaster)
      problems.push({ code: "unexpected-master", group: g.name, message: `${g.name}: ${masters[0]} is MASTER but ${expectedMaster} has the higher priority and is running (preemption should have moved the VIPs)` });
    return { group: g.name, vrid: g.vrid, vips: [...g.vips], masters, expectedMaster };
  });

  const realServers: RealServerStatus[] = [];
  for (const rs of model.realServers) {
    if (rs.vips.length === 0) continue;
    const state = hosts.find((h) => h.host === rs.host);
    const f = facts[rs.host];
    const facts_ = f && !isError(f) ? f : undefined;
    const status: RealServerStatus = { host: rs.host, address: rs.address, reachable: !!facts_, vips: [], arp: null };
    if (!facts_) {
      status.error = f && isError(f) ? f.error : "no facts";
      if (!model.directors.some((d) => d.host === rs.host)) problems.push({ code: "unreachable", host: rs.host, message: `${rs.host}: cannot read its state: ${status.error}` });
      realServers.push(status);
      continue;
    }
    const bound = new Set((facts_.lvs0 ?? []).map(ip));
    const wanted = (state?.addresses ?? []).filter((a) => a.interface === NAMES.vipDevice).map((a) => ip(a.address));
    for (const vip of wanted.length > 0 ? wanted : rs.vips) {
      status.vips.push({ vip, bound: bound.has(vip) });
      if (!bound.has(vip)) problems.push({ code: "rs-vip-missing", host: rs.host, message: `${rs.host}: VIP ${vip} is not bound on ${NAMES.vipDevice} (it drops the packets directors forward for it)` });
    }
    const wantIgnore = Number(state?.sysctls["net.ipv4.conf.all.arp_ignore"] ?? 1);
    const wantAnnounce = Number(state?.sysctls["net.ipv4.conf.all.arp_announce"] ?? 2);
    if (facts_.arp) {
      const e = facts_.arp.effective;
      const ok = e.arpIgnore === wantIgnore && e.arpAnnounce === wantAnnounce;
      status.arp = { interface: facts_.arp.interface, arpIgnore: e.arpIgnore, arpAnnounce: e.arpAnnounce, expectedIgnore: wantIgnore, expectedAnnounce: wantAnnounce, ok };
      if (!ok)
        problems.push({
          code: "arp-wrong",
          host: rs.host,
          message: `${rs.host}: effective arp_ignore=${e.arpIgnore ?? "?"} arp_announce=${e.arpAnnounce ?? "?"} (all, ${facts_.arp.interface ?? "?"}), want ${wantIgnore} and ${wantAnnounce}: the host may answer ARP for the VIP and steal its traffic`,
        });
    }
    realServers.push(status);
  }

  return { cluster: model.name, ok: problems.length === 0, groups, directors, realServers, problems };
}

function ipvsStatus(model: ClusterModel, table: IpvsService[], hostByAddress: Map<string, string>): IpvsServiceStatus[] {
  return table.map((s) => {
    const key = ipvsKey(s);
    const service = model.services.find((m) => expectedKeys(m).includes(key));
    return {
      key,
      service: service?.name ?? null,
      scheduler: s.scheduler,
      flags: s.flags,
      realServers: s.realServers.map((r) => ({
        address: r.address,
        port: r.port,
        host: hostByAddress.get(r.address) ?? null,
        forward: r.forward,
        weight: r.weight,
        expectedWeight: service?.members.find((m) => m.address === r.address)?.weight ?? null,
        activeConn: r.activeConn,
        inactConn: r.inactConn,
      })),
    };
  });
}

function ipvsProblems(model: ClusterModel, director: string, loaded: boolean, table: IpvsService[]): Problem[] {
  const out: Problem[] = [];
  if (!loaded) return [{ code: "ipvs-not-loaded", host: director, message: `${director}: the ip_vs module is not loaded (no IPVS table)` }];
  const byKey = new Map(table.map((s) => [ipvsKey(s), s]));
  const expected = new Set<string>();
  for (const s of model.services) for (const key of expectedKeys(s)) {
    expected.add(key);
    const actual = byKey.get(key);
    const where = `${director}: service ${s.name} (${key})`;
    if (!actual) {
      out.push({ code: "ipvs-service-missing", host: director, service: s.name, message: `${where} is not in the IPVS table` });
      continue;
    }
    if (actual.scheduler !== s.scheduler) out.push({ code: "ipvs-scheduler-wrong", host: director, service: s.name, message: `${where}: scheduler ${actual.scheduler}, config says ${s.scheduler}` });
    for (const m of s.members) {
      const port = s.fwmark !== undefined ? 0 : (m.port ?? s.port ?? 0);
      const r = actual.realServers.find((x) => x.address === m.address && x.port === port);
      if (!r) {
        out.push({ code: "ipvs-realserver-missing", host: director, service: s.name, message: `${where}: real server ${m.host} (${serviceEndpoint(m.address, port)}) is missing (health check failing, or not configured)` });
        continue;
      }
      if (r.weight !== m.weight) out.push({ code: "ipvs-weight-wrong", host: director, service: s.name, message: `${where}: real server ${m.host} has weight ${r.weight}, config says ${m.weight}` });
      const method = METHOD[s.forwarding];
      if (method && r.forward !== method && !(r.forward === "Local" && m.host === director))
        out.push({ code: "ipvs-forwarding-wrong", host: director, service: s.name, message: `${where}: real server ${m.host} forwards by ${r.forward}, config says ${s.forwarding} (${method})` });
    }
    for (const r of actual.realServers) {
      const port = s.fwmark !== undefined ? 0 : undefined;
      // The sorry server is in the table while every member is down: it is in the config.
      if (s.sorryServer?.address === r.address) continue;
      if (!s.members.some((m) => m.address === r.address && (port === undefined || r.port === port)))
        out.push({ code: "ipvs-realserver-unexpected", host: director, service: s.name, message: `${where}: real server ${serviceEndpoint(r.address, r.port)} is not in the config` });
    }
  }
  for (const s of table) {
    const key = ipvsKey(s);
    if (!expected.has(key)) out.push({ code: "ipvs-service-unexpected", host: director, message: `${director}: IPVS service ${key} is not in the config` });
  }
  return out;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));

/** The IPVS table of one director, ipvsadm-like, with config host names. */
export function formatIpvs(d: DirectorStatus): string[] {
  if (!d.reachable) return [`  (unreachable)`];
  if (!d.ipvsLoaded) return [`  (ip_vs not loaded)`];
  if (d.ipvs.length === 0) return [`  (empty)`];
  const lines: string[] = [];
  for (const s of d.ipvs) {
    lines.push(`  ${pad(s.key, 24)} ${s.scheduler}${s.flags ? " " + s.flags : ""}${s.service ? `   (service ${s.service})` : "   (not in config)"}`);
    for (const r of s.realServers) {
      const who = r.host ? `${r.host} ` : "";
      const weight = r.expectedWeight !== null && r.expectedWeight !== r.weight ? `${r.weight} (config ${r.expectedWeight})` : String(r.weight);
      lines.push(`    -> ${pad(`${who}${serviceEndpoint(r.address, r.port)}`, 24)} ${pad(r.forward, 7)} weight ${pad(weight, 4)} active ${pad(String(r.activeConn), 4)} inactive ${r.inactConn}`);
    }
  }
  return lines;
}

/** Human-readable report, one string per line. */
export function formatStatus(report: StatusReport): string[] {
  const lines: string[] = [`cluster ${report.cluster}`];
  for (const g of report.groups) {
    const master = g.masters.length === 1 ? `MASTER ${g.masters[0]}` : g.masters.length === 0 ? "no MASTER" : `MASTERs ${g.masters.join(", ")}`;
    lines.push(`VRRP ${g.group} (VRID ${g.vrid}, VIPs ${g.vips.join(", ") || "none"}): ${master}`);
    for (const d of report.directors) {
      const x = d.groups.find((y) => y.group === g.group);
      if (!x) continue;
      const src = x.source === "journal" ? `journal${x.since ? " since " + x.since : ""}` : x.source === "addresses" ? "inferred from addresses" : x.source === "unit" ? "keepalived not running" : "unreachable";
      lines.push(`  ${pad(d.host, 6)} ${pad(x.state, 8)} priority ${pad(String(x.priority), 4)} keepalived ${pad(d.keepalived, 9)} holds ${pad(x.vipsHeld.join(",") || "-", 16)} (${src})`);
    }
  }
  for (const d of report.directors) {
    lines.push(`IPVS on ${d.host}:`);
    lines.push(...formatIpvs(d));
  }
  if (report.realServers.length > 0) lines.push("real servers:");
  for (const r of report.realServers) {
    if (!r.reachable) {
      lines.push(`  ${pad(r.host, 6)} unreachable: ${r.error ?? ""}`);
      continue;
    }
    const vips = r.vips.map((v) => `${v.vip} ${v.bound ? "bound" : "MISSING"}`).join(", ");
    const arp = r.arp ? `arp_ignore=${r.arp.arpIgnore ?? "?"} arp_announce=${r.arp.arpAnnounce ?? "?"} (${r.arp.interface ?? "?"}) ${r.arp.ok ? "ok" : "WRONG"}` : "arp ?";
    lines.push(`  ${pad(r.host, 6)} ${NAMES.vipDevice}: ${vips}; ${arp}`);
  }
  if (report.problems.length === 0) lines.push("no problems: the cluster matches the stack config");
  else {
    lines.push(`${report.problems.length} problem(s):`);
    for (const p of report.problems) lines.push(`  ! [${p.code}] ${p.message}`);
  }
  return lines;
}
