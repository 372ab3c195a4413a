// The resolved cluster: every default and derived value (VRIDs, peers, fwmarks, roles) made explicit.
import type { ClusterConfig, HealthCheckConfig, SecretRef, TrackScriptConfig, VrrpConfig } from "../config/schema";
import { assignVrids } from "./vrid";
import { canonicalSysctlKey } from "../formats/sysctl";
import { own } from "../util/own";
import { HookModel, NOTIFY_STATES, NotifyState, notifyHook, quorumHook } from "./hooks";
import { canonicalIp, Family, familyOf } from "./ip";
import { addressIn, vipFamily } from "./family";

export type Forwarding = "DR" | "NAT" | "TUN";
export type Role = "director" | "realServer";

export interface DirectorModel {
  host: string;
  address: string;
  interface: string;
  priority: number;
  state: "MASTER" | "BACKUP";
  /** MAC the director transmits from; undefined = discover on the host. */
  mac?: string;
  /** How its fwmark rules are loaded; undefined = detect on the host. */
  firewall?: FirewallBackend;
}

/** The two ways a director's fwmark rules are loaded (see core/render/fwmark.ts). */
export type FirewallBackend = "nftables" | "iptables";

export interface RealServerModel {
  host: string;
  address: string;
  /** Interface receiving VIP traffic; undefined = discover on the host. */
  interface?: string;
  /** VIPs bound locally (DR and TUN services). */
  vips: string[];
  tunnel: boolean;
  colocated: boolean;
}

export interface GroupMember {
  host: string;
  address: string;
  interface: string;
  priority: number;
  state: "MASTER" | "BACKUP";
  unicastPeers: string[];
}

export interface VrrpGroupModel {
  name: string;
  family: Family;
  /** 3 for IPv6 groups (and IPv4 ones that ask for it); undefined = keepalived's default, 2. */
  version?: 2 | 3;
  /** The vrrp_sync_group this group's instance belongs to. */
  syncGroup?: string;
  vrid: number;
  vridDerived: boolean;
  advertInt: number;
  nopreempt: boolean;
  preemptDelay?: number;
  unicast: boolean;
  auth?: SecretRef;
  trackScripts: TrackScriptConfig[];
  trackInterfaces: { interface: string; weight: number }[];
  notify: { state: NotifyState; hook: HookModel }[];
  members: GroupMember[];
  vips: string[];
}

export interface ServiceMember {
  host: string;
  address: string;
  port?: number;
  weight: number;
}

export interface ServiceModel {
  name: string;
  vip: string;
  port?: number;
  protocol: "TCP" | "UDP" | "SCTP";
  /** Ports whose packets get the fwmark (fwmark services only). */
  markPorts: number[];
  fwmark?: number;
  fwmarkDerived: boolean;
  /** Some member is also a director (co-located DR): needs the peer-MAC mark rules. */
  colocated: boolean;
  scheduler: string;
  forwarding: Forwarding;
  persistence?: { timeout: number; granularity?: string };
  group: string;
  quorum?: number;
  quorumUp?: HookModel;
  quorumDown?: HookModel;
  /** More VIPs on the same port (virtual_server_group); empty for a plain virtual_server. */
  groupVips: string[];
  sorryServer?: ServiceMember;
  inhibitOnFailure: boolean;
  alpha: boolean;
  omega: boolean;
  healthCheck: HealthCheckConfig;
  members: ServiceMember[];
}

/** Every VIP a service answers on: its own, then its group's. */
export const serviceVips = (s: Pick<ServiceModel, "vip" | "groupVips">): string[] => [s.vip, ...s.groupVips];

export interface HostModel {
  name: string;
  address: string;
  sshAddress: string;
  roles: Role[];
  sysctls: Record<string, string>;
}

export interface ClusterModel {
  name: string;
  hosts: HostModel[];
  directors: DirectorModel[];
  realServers: RealServerModel[];
  groups: VrrpGroupModel[];
  services: ServiceModel[];
  sync?: { interface?: string; group: string; id: number };
  ipvs: ClusterConfig["ipvs"];
}

/** Which VRRP group carries a service's VIP: the named one, else the only one. */
export function serviceGroupName(config: ClusterConfig, serviceIndex: number): string | undefined {
  const service = config.services[serviceIndex];
  if (service.vrrp !== undefined) return service.vrrp;
  return config.vrrp.length === 1 ? config.vrrp[0].name : undefined;
}

/** Each group's address family: that of the VIPs it carries (IPv4 for a group carrying none, which is refused). */
export function groupFamilies(config: ClusterConfig): Family[] {
  return config.vrrp.map((g) => {
    const i = config.services.findIndex((_, si) => serviceGroupName(config, si) === g.name);
    return i < 0 ? 4 : vipFamily(config.services[i].vip);
  });
}

/** VRRPv3 for an IPv6 group unless set (VRRPv2 is IPv4 only); undefined = keepalived's default, 2. */
export function groupVersion(group: VrrpConfig, family: Family): 2 | 3 | undefined {
  return (group.version as 2 | 3 | undefined) ?? (family === 6 ? 3 : undefined);
}

export function directorHostNames(config: ClusterConfig): Set<string> {
  return new Set(config.directors.map((d) => d.host));
}

/** Service indexes whose members include a director (co-located). */
export function isColocated(config: ClusterConfig, serviceIndex: number): boolean {
  const directors = directorHostNames(config);
  return config.services[serviceIndex].realServers.some((m) => directors.has(m.host));
}

/** fwmark per service index: explicit marks stay; co-located DR services without one get the lowest free mark. */
export function assignFwmarks(config: ClusterConfig): (number | undefined)[] {
  const used = new Set(config.services.map((s) => s.fwmark).filter((m): m is number => m !== undefined));
  let next = 1;
  return config.services.map((s, i) => {
    if (s.fwmark !== undefined) return s.fwmark;
    if (!(isColocated(config, i) && s.forwarding === "DR")) return undefined;
    while (used.has(next)) next++;
    used.add(next);
    return next;
  });
}

/** Keys in their written form (net/ipv4/ip_forward and net.ipv4.ip_forward are one key), values as text. */
function stringSysctls(values: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [canonicalSysctlKey(k), String(v)]));
}

function groupPriority(group: VrrpConfig, host: string, fallback: number): number {
  return own(group.priorities, host) ?? fallback;
}

/** Builds the model from a config that passed schema and semantic validation. */
export function buildModel(config: ClusterConfig): ClusterModel {
  const hostByName = new Map(config.hosts.map((h) => [h.name, h]));
  const addressOf = (name: string) => hostByName.get(name)!.address;
  /** A host's address of a family, as a service or a group reaches it (validation made sure it has one). */
  const addressIn6 = (name: string, family: Family) => addressIn(hostByName.get(name)!, family) ?? addressOf(name);
  const families = groupFamilies(config);
  const directorNames = directorHostNames(config);
  const vrids = assignVrids(config);
  const fwmarks = assignFwmarks(config);

  const directors: DirectorModel[] = config.directors.map((d) => ({
    host: d.host,
    address: addressOf(d.host),
    interface: d.interface,
    priority: d.priority,
    state: d.state,
    mac: d.mac?.toLowerCase(),
    firewall: d.firewall,
  }));

  const services: ServiceModel[] = config.services.map((s, i) => {
    const fwmark = fwmarks[i];
    const family = vipFamily(s.vip);
    const members = s.realServers.map((m) => ({ host: m.host, address: addressIn6(m.host, family), port: m.port, weight: m.weight }));
    return {
      name: s.name,
      vip: canonicalIp(s.vip),
      port: s.port,
      protocol: s.protocol,
      markPorts: fwmark === undefined ? [] : (s.ports ?? (s.port !== undefined ? [s.port] : [])),
      fwmark,
      fwmarkDerived: fwmark !== undefined && s.fwmark === undefined,
      colocated: isColocated(config, i),
      scheduler: s.scheduler,
      forwarding: s.forwarding as Forwarding,
      persistence: s.persistence,
      group: serviceGroupName(config, i)!,
      quorum: s.quorum,
      quorumUp: s.quorumUp && quorumHook(s.name, "up", s.quorumUp),
      quorumDown: s.quorumDown && quorumHook(s.name, "down", s.quorumDown),
      groupVips: (s.groupVips ?? []).map(canonicalIp),
      sorryServer: s.sorryServer && { host: s.sorryServer.host, address: addressIn6(s.sorryServer.host, family), port: s.sorryServer.port, weight: 1 },
      inhibitOnFailure: s.inhibitOnFailure,
      alpha: s.alpha,
      omega: s.omega,
      healthCheck: s.healthCheck,
      members,
    };
  });

  const groups: VrrpGroupModel[] = config.vrrp.map((g, gi) => {
    const family = families[gi];
    const members: GroupMember[] = config.directors.map((d) => {
      const peers =
        d.unicastPeers?.filter((p) => familyOf(p) === family).map(canonicalIp) ??
        config.directors.filter((o) => o.host !== d.host).map((o) => addressIn6(o.host, family));
      return {
        host: d.host,
        address: addressIn6(d.host, family),
        interface: g.interface ?? d.interface,
        priority: groupPriority(g, d.host, d.priority),
        state: d.state,
        unicastPeers: g.unicast ? peers : [],
      };
    });
    const vips = [...new Set(services.filter((s) => s.group === g.name).flatMap(serviceVips))];
    return {
      name: g.name,
      family,
      version: groupVersion(g, family),
      syncGroup: g.syncGroup,
      vrid: vrids[gi].vrid,
      vridDerived: vrids[gi].derived,
      advertInt: g.advertInt,
      nopreempt: g.nopreempt,
      preemptDelay: g.preemptDelay,
      unicast: g.unicast,
      auth: g.auth?.password,
      trackScripts: g.trackScripts,
      trackInterfaces: g.trackInterfaces.map((t) => ({ interface: t.interface, weight: t.weight })),
      notify: NOTIFY_STATES.flatMap((state) => {
        const hook = g.notify?.[state];
        return hook ? [{ state, hook: notifyHook(g.name, state, hook) }] : [];
      }),
      members,
      vips,
    };
  });

  const rsOptions = new Map(config.realServers.map((r) => [r.host, r]));
  const servicesOf = new Map<string, ServiceModel[]>();
  for (const s of services) {
    // A sorry server is set up as a real server of the service too (VIP bound, ARP settings): it serves with its method.
    for (const host of new Set([...s.members.map((m) => m.host), ...(s.sorryServer ? [s.sorryServer.host] : [])])) {
      if (!servicesOf.has(host)) servicesOf.set(host, []);
      servicesOf.get(host)!.push(s);
    }
  }
  const rsNames = [...servicesOf.keys()];
  const realServers: RealServerModel[] = rsNames.map((name) => {
    const local = servicesOf.get(name)!.filter((s) => s.forwarding !== "NAT");
    return {
      host: name,
      address: addressOf(name),
      interface: rsOptions.get(name)?.interface,
      vips: [...new Set(local.flatMap(serviceVips))],
      tunnel: local.some((s) => s.forwarding === "TUN"),
      colocated: directorNames.has(name),
    };
  });
  const rsSet = new Set(rsNames);

  const hosts: HostModel[] = config.hosts.map((h) => {
    const roles: Role[] = [];
    if (directorNames.has(h.name)) roles.push("director");
    if (rsSet.has(h.name)) roles.push("realServer");
    return {
      name: h.name,
      address: h.address,
      sshAddress: h.sshAddress ?? h.address,
      roles,
      sysctls: { ...stringSysctls(config.sysctls), ...stringSysctls(h.sysctls) },
    };
  });

  let sync: ClusterModel["sync"];
  if (config.sync.enabled) {
    const groupName = config.sync.vrrp ?? config.vrrp[0].name;
    const group = groups.find((g) => g.name === groupName)!;
    sync = { interface: config.sync.interface, group: groupName, id: config.sync.id ?? group.vrid };
  }

  return { name: config.name, hosts, directors, realServers, groups, services, sync, ipvs: config.ipvs };
}
