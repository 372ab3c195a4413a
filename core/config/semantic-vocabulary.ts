// Rules for the keepalived vocabulary beyond the basics: event hooks, track_interface, sorry servers, virtual server
// groups (see semantic.ts for the rest; both run as one rule list).
import type { ClusterConfig, HookConfig } from "./schema";
import type { PathPart, Severity } from "./issues";
import { NOTIFY_STATES } from "../model/hooks";
import { assignFwmarks, directorHostNames } from "../model/cluster";
import { own } from "../util/own";

type Report = (path: PathPart[], message: string, severity?: Severity) => void;
export type Rule = (config: ClusterConfig, report: Report) => void;

function checkHook(hook: HookConfig | undefined, path: PathPart[], report: Report): void {
  if (hook === undefined) return;
  // Both: each of the two keys is named, as either is the one to remove.
  if (hook.script !== undefined && hook.content !== undefined)
    for (const key of ["script", "content"])
      report([...path, key], "is set together with the other of `script` and `content`: give a command line already on the host (script) or a script to install (content), not both");
  else if (hook.script === undefined && hook.content === undefined) report(path, "needs `script` (a command line on the host) or `content` (a script pulumi-lvs installs)");
}

const hooksComplete: Rule = (c, report) => {
  c.vrrp.forEach((g, i) => NOTIFY_STATES.forEach((state) => checkHook(g.notify?.[state], ["vrrp", i, "notify", state], report)));
  c.services.forEach((s, i) => {
    checkHook(s.quorumUp, ["services", i, "quorumUp"], report);
    checkHook(s.quorumDown, ["services", i, "quorumDown"], report);
    if (s.omega && s.quorumDown === undefined)
      report(["services", i, "omega"], "has no effect without quorumDown: omega only runs quorum_down when the service is shut down", "warning");
  });
};

/** keepalived ignores (with a warning that fails its config test) a group tracking its own interface. */
const trackInterfaces: Rule = (c, report) => {
  c.vrrp.forEach((g, gi) => {
    const own_ = new Set(c.directors.map((d) => g.interface ?? d.interface));
    const seen = new Set<string>();
    const prios = c.directors.map((d) => own(g.priorities, d.host) ?? d.priority).sort((a, b) => b - a);
    const gap = prios.length >= 2 ? prios[0] - prios[1] : undefined;
    g.trackInterfaces.forEach((t, ti) => {
      const at: PathPart[] = ["vrrp", gi, "trackInterfaces", ti];
      if (own_.has(t.interface)) report([...at, "interface"], `${t.interface} is this group's own interface: keepalived already tracks it (FAULT when it is down) and ignores it here`);
      else if (seen.has(t.interface)) report([...at, "interface"], `${t.interface} is tracked twice in vrrp group "${g.name}"`);
      seen.add(t.interface);
      if (t.weight !== 0 && gap !== undefined && Math.abs(t.weight) <= gap)
        report([...at, "weight"], `|${t.weight}| must be greater than the priority gap ${gap} (${prios[0]} − ${prios[1]}), or a downed link can never move the VIP; use a larger weight or 0 (FAULT while down)`);
    });
  });
};

const sorryServers: Rule = (c, report) => {
  const known = new Set(c.hosts.map((h) => h.name));
  const directors = directorHostNames(c);
  const fwmarks = assignFwmarks(c);
  c.services.forEach((s, i) => {
    const sorry = s.sorryServer;
    if (!sorry) return;
    const at: PathPart[] = ["services", i, "sorryServer"];
    if (!known.has(sorry.host)) report([...at, "host"], `names host "${sorry.host}", which is not in pulumi-lvs:cluster.hosts`);
    else if (directors.has(sorry.host)) report([...at, "host"], `"${sorry.host}" is a director: a sorry server on a director would need co-located DR's peer-MAC rules; use another host`);
    else if (s.realServers.some((m) => m.host === sorry.host))
      report([...at, "host"], `"${sorry.host}" is already a member of this service: a sorry server serves only when every member is down`);
    if (fwmarks[i] !== undefined) report(at, "is not supported on a fwmark service here (its real servers carry no port); use a VIP:port service");
    if (sorry.port !== undefined && sorry.port !== s.port && (s.forwarding === "DR" || s.forwarding === "TUN"))
      report([...at, "port"], `${sorry.port} differs from the virtual port: ${s.forwarding} cannot remap ports; remove it or use NAT`);
  });
};

const groupVips: Rule = (c, report) => {
  const fwmarks = assignFwmarks(c);
  const byAddress = new Map(c.hosts.map((h) => [h.address, h.name]));
  c.services.forEach((s, i) => {
    if (!s.groupVips) return;
    const at: PathPart[] = ["services", i, "groupVips"];
    if (fwmarks[i] !== undefined) report(at, "cannot be used with a fwmark service: mark more addresses in the fwmark rules instead");
    if (s.groupVips.length === 0) report(at, "is empty: omit it for a plain virtual_server");
    const seen = new Set([s.vip]);
    s.groupVips.forEach((vip, j) => {
      if (seen.has(vip)) report([...at, j], `${vip} is listed twice (the service's vip counts)`);
      seen.add(vip);
      const host = byAddress.get(vip);
      if (host !== undefined) report([...at, j], `${vip} is the address of host "${host}"; a VIP must be an address no host owns`);
    });
  });
  // Every VIP:port is served by one service only, whether as its vip or in a group.
  // (Two services' own VIP:port are services' duplicates, reported in semantic.ts.)
  const served = new Map<string, { label: string; group: boolean }>();
  c.services.forEach((s, i) => {
    if (fwmarks[i] !== undefined || s.port === undefined) return;
    [s.vip, ...(s.groupVips ?? [])].forEach((vip, j) => {
      const id = `${vip}:${s.port}/${s.protocol}`;
      const first = served.get(id);
      if (first === undefined) served.set(id, { label: j === 0 ? `services[${i}]` : `services[${i}].groupVips[${j - 1}]`, group: j > 0 });
      else if (j > 0) report(["services", i, "groupVips", j - 1], `${id} is also served by ${first.label}`);
      else if (first.group) report(["services", i, "vip"], `${id} is also served by ${first.label}`);
    });
  });
};

export const vocabularyRules: Rule[] = [hooksComplete, trackInterfaces, sorryServers, groupVips];
