// Rules for address families: a VRRP group carries one family (keepalived refuses a VIP of the other family in an
// instance), a service reaches its members and its group peers with addresses of its VIP's family, VRRPv2 is IPv4
// only, and what is not built for IPv6 yet is refused rather than half-rendered.
import type { ClusterConfig } from "./schema";
import type { PathPart, Severity } from "./issues";
import { assignFwmarks, groupFamilies, groupVersion, serviceGroupName } from "../model/cluster";
import { addressIn, familyName, vipFamily } from "../model/family";
import { familyOf } from "../model/ip";

type Report = (path: PathPart[], message: string, severity?: Severity) => void;
type Rule = (config: ClusterConfig, report: Report) => void;

/** `address6` is the second family of a dual-stack host: beside an IPv4 `address` only. */
const address6BesideIpv4: Rule = (c, report) => {
  c.hosts.forEach((h, i) => {
    if (h.address6 !== undefined && familyOf(h.address) === 6)
      report(["hosts", i, "address6"], `is set, but "address" ${h.address} is already IPv6: address6 is the IPv6 address of a host whose address is IPv4`);
  });
};

/** keepalived ignores (and its config test fails on) a VIP whose family differs from its instance's. */
const oneFamilyPerGroup: Rule = (c, report) => {
  const first = new Map<string, { family: number; at: string }>();
  c.services.forEach((s, i) => {
    const group = serviceGroupName(c, i);
    if (group === undefined) return;
    const family = vipFamily(s.vip);
    const seen = first.get(group);
    if (seen === undefined) first.set(group, { family, at: `services[${i}].vip ${s.vip}` });
    else if (seen.family !== family)
      report(["services", i, "vrrp"], `puts ${familyName(family)} VIP ${s.vip} in vrrp group "${group}", which carries ${familyName(seen.family as 4 | 6)} (${seen.at}): keepalived does not mix address families in one VRRP instance; give the ${familyName(family)} VIPs a group of their own (and a common syncGroup to move them together)`);
    (s.groupVips ?? []).forEach((v, j) => {
      if (familyOf(v) !== undefined && familyOf(v) !== family)
        report(["services", i, "groupVips", j], `${v} is ${familyName(familyOf(v)!)} but the service's vip ${s.vip} is ${familyName(family)}: one virtual_server_group and one VRRP instance carry one family`);
    });
  });
};

/** IPVS forwards to a member's address of the service's family; a host without one cannot be a member. */
const membersOfVipFamily: Rule = (c, report) => {
  const hosts = new Map(c.hosts.map((h) => [h.name, h]));
  c.services.forEach((s, i) => {
    const family = vipFamily(s.vip);
    const check = (path: PathPart[], name: string) => {
      const h = hosts.get(name);
      if (h !== undefined && addressIn(h, family) === undefined)
        report(path, `"${name}" has no ${familyName(family)} address, but the service's VIP ${s.vip} is ${familyName(family)}: set hosts[].${family === 6 ? "address6" : "address"} for it, or serve it from a service of its family`);
    };
    s.realServers.forEach((m, j) => check(["services", i, "realServers", j, "host"], m.host));
    if (s.sorryServer) check(["services", i, "sorryServer", "host"], s.sorryServer.host);
  });
};

/** A group's adverts go from each director's address of the group's family to the others'. */
const directorsOfGroupFamily: Rule = (c, report) => {
  const hosts = new Map(c.hosts.map((h) => [h.name, h]));
  const families = groupFamilies(c);
  c.vrrp.forEach((g, gi) => {
    const family = families[gi];
    c.directors.forEach((d, di) => {
      const h = hosts.get(d.host);
      if (h !== undefined && addressIn(h, family) === undefined)
        report(["directors", di, "host"], `"${d.host}" has no ${familyName(family)} address, but vrrp group "${g.name}" carries ${familyName(family)} VIPs and sends its adverts from each director's address of that family: set hosts[].address6 for it`);
    });
    if (g.unicast)
      c.directors.forEach((d, di) => {
        if (d.unicastPeers !== undefined && !d.unicastPeers.some((p) => familyOf(p) === family))
          report(["directors", di, "unicastPeers"], `lists no ${familyName(family)} peer, but vrrp group "${g.name}" is ${familyName(family)}: each group uses the peers of its own family, so list the other directors' ${familyName(family)} addresses too`);
      });
  });
};

const vrrpVersion: Rule = (c, report) => {
  const families = groupFamilies(c);
  c.vrrp.forEach((g, gi) => {
    if (g.version === 2 && families[gi] === 6)
      report(["vrrp", gi, "version"], `is 2, but group "${g.name}" carries IPv6 VIPs: VRRPv2 is IPv4 only (RFC 3768); use 3 or leave it unset`);
    if (groupVersion(g, families[gi]) === 3 && g.auth)
      report(["vrrp", gi, "auth"], `is set, but group "${g.name}" runs VRRPv3, which has no authentication (RFC 5798): remove it`);
  });
};

/** keepalived drops a sync group with one instance; a syncGroup of one group is a typo of the other's name. */
const syncGroups: Rule = (c, report) => {
  const members = new Map<string, number[]>();
  c.vrrp.forEach((g, gi) => g.syncGroup !== undefined && members.set(g.syncGroup, [...(members.get(g.syncGroup) ?? []), gi]));
  for (const [name, groups] of members)
    if (groups.length < 2)
      report(["vrrp", groups[0], "syncGroup"], `"${name}" is named by no other vrrp group: a sync group needs at least two groups (keepalived ignores one of one)`);
  // keepalived: "ignoring tracked script … with weights due to SYNC group" (its config test then fails).
  c.vrrp.forEach((g, gi) => {
    if (g.syncGroup === undefined) return;
    const why = `group "${g.name}" is in syncGroup "${g.syncGroup}", and keepalived ignores weighted tracking in a sync group's instances; use weight 0 (FAULT, which moves the whole sync group)`;
    g.trackScripts.forEach((t, ti) => t.weight !== 0 && report(["vrrp", gi, "trackScripts", ti, "weight"], `is ${t.weight}, but ${why}`));
    g.trackInterfaces.forEach((t, ti) => t.weight !== 0 && report(["vrrp", gi, "trackInterfaces", ti, "weight"], `is ${t.weight}, but ${why}`));
  });
  // The same members on both families make a dual-stack service: without a sync group the two VIPs can have
  // different masters (a track script or a fault in one group moves only its family).
  const families = groupFamilies(c);
  const memberSet = (i: number) => c.services[i].realServers.map((m) => m.host).sort().join(",");
  c.services.forEach((s, i) => {
    const gi = c.vrrp.findIndex((g) => g.name === serviceGroupName(c, i));
    if (gi < 0 || families[gi] !== 6) return;
    c.services.forEach((o, oi) => {
      const go = c.vrrp.findIndex((g) => g.name === serviceGroupName(c, oi));
      if (go < 0 || families[go] !== 4 || memberSet(oi) !== memberSet(i)) return;
      const [a, b] = [c.vrrp[gi].syncGroup, c.vrrp[go].syncGroup];
      if (a === undefined || a !== b)
        report(["vrrp", gi, "syncGroup"], `services "${o.name}" (IPv4, group "${c.vrrp[go].name}") and "${s.name}" (IPv6, group "${c.vrrp[gi].name}") have the same members but their groups share no syncGroup, so the two VIPs can have different masters; set the same syncGroup on both groups`, "warning");
    });
  });
};

/** What is not built for IPv6 yet is refused by key rather than rendered wrong. */
const ipv6NotYet: Rule = (c, report) => {
  c.services.forEach((s, i) => {
    if (vipFamily(s.vip) !== 6) return;
    if (s.forwarding === "TUN")
      report(["services", i, "forwarding"], "TUN is not supported for IPv6 services yet (the real servers would need ip6ip6 tunnels); use DR or NAT");
    if (s.persistence?.granularity !== undefined)
      report(["services", i, "persistence", "granularity"], "is an IPv4 netmask; it does not apply to an IPv6 service (remove it)");
  });
  const fwmarks = assignFwmarks(c);
  const v6Marked = c.services.find((s, i) => fwmarks[i] !== undefined && vipFamily(s.vip) === 6);
  if (v6Marked)
    c.directors.forEach((d, i) => {
      if (d.firewall === "iptables")
        report(["directors", i, "firewall"], `is iptables, but service "${v6Marked.name}" has an IPv6 VIP with fwmark rules, which pulumi-lvs writes only as an nft table (ip6) for now; use nftables`);
    });
};

export const familyRules: Rule[] = [address6BesideIpv4, oneFamilyPerGroup, membersOfVipFamily, directorsOfGroupFamily, vrrpVersion, syncGroups, ipv6NotYet];
