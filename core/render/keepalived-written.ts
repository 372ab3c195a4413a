// A keepalived view as its templates print it: every config string through core/formats/keepalived.ts (checked, and
// quoted where keepalived needs it), numbers as text where 0 must still be written. The view itself stays plain
// values, as it is stored in HostState.keepalived and rendered again for a drain.
import { keepalived as ka } from "../formats/keepalived";
import type { CheckView, KeepalivedView, RealServerView, VirtualServerView, VrrpInstanceView, VrrpScriptView } from "./views";

/** `10.0.0.1/32 dev eth0` or `fd77::100/128 dev eth0`, as the view spells a VIP entry. */
function vipEntry(entry: string): string {
  const m = /^([^/ ]+)\/(32|128) dev (\S+)$/.exec(entry);
  if (!m) throw new Error(`pulumi-lvs: unexpected virtual_ipaddress entry ${JSON.stringify(entry)}`);
  return `${ka.address(m[1])}/${m[2]} dev ${ka.interface(m[3])}`;
}

const instance = (v: VrrpInstanceView) => ({
  ...v,
  name: ka.name(v.name),
  interface: ka.interface(v.interface),
  // As text, so an explicit 0 is written too (the template skips only null).
  preemptDelay: v.preemptDelay === null ? null : String(v.preemptDelay),
  unicastSrc: ka.address(v.unicastSrc),
  unicastPeers: v.unicastPeers.map(ka.address),
  vips: v.vips.map(vipEntry),
  trackScripts: v.trackScripts.map(ka.name),
  // As text, so weight 0 is written too.
  trackInterfaces: v.trackInterfaces.map((t) => ({ interface: ka.interface(t.interface), weight: String(t.weight) })),
  notify: v.notify.map((n) => ({ state: n.state, command: ka.script(n.command) })),
});

const script = (v: VrrpScriptView) => ({ ...v, name: ka.name(v.name), script: ka.script(v.script) });

export function writtenCheck(check: CheckView | null): CheckView | null {
  if (!check) return null;
  const url = check.url && { path: ka.httpPath(check.url.path), statusCode: ka.statusCode(check.url.statusCode), digest: check.url.digest === null ? null : ka.digest(check.url.digest) };
  const dns = check.dns && { type: ka.name(check.dns.type), name: ka.dnsName(check.dns.name) };
  return { ...check, url, dns, heloName: check.heloName === null ? null : ka.heloName(check.heloName), miscPath: check.miscPath === null ? null : ka.script(check.miscPath) };
}

/** `VIP PORT`. */
const vipPort = (entry: string) => `${ka.address(entry.split(" ")[0])} ${entry.split(" ")[1]}`;

/** `VIP PORT`, `fwmark N` or `group NAME`. */
function serviceAddress(address: string): string {
  if (address.startsWith("fwmark ")) return address;
  if (address.startsWith("group ")) return `group ${ka.name(address.slice("group ".length))}`;
  return vipPort(address);
}

/** Members' addresses are written as they are once checked: a service can have thousands, a cluster few hosts. */
function checkedMembers(members: RealServerView[]): RealServerView[] {
  const seen = new Set<string>();
  for (const m of members) if (!seen.has(m.address)) seen.add(ka.address(m.address));
  return members;
}

export function writtenVirtualServer(v: VirtualServerView): VirtualServerView {
  return {
    ...v,
    name: ka.comment(v.name),
    address: serviceAddress(v.address),
    persistenceGranularity: v.persistenceGranularity === null ? null : ka.address(v.persistenceGranularity),
    quorumUp: v.quorumUp === null ? null : ka.script(v.quorumUp),
    quorumDown: v.quorumDown === null ? null : ka.script(v.quorumDown),
    group: v.group && { name: ka.name(v.group.name), entries: v.group.entries.map(vipPort) },
    sorryServer: v.sorryServer && { address: ka.address(v.sorryServer.address), port: v.sorryServer.port },
    check: writtenCheck(v.check),
    realServers: checkedMembers(v.realServers),
  };
}

export function writtenKeepalived(view: KeepalivedView) {
  return {
    ...view,
    cluster: ka.comment(view.cluster),
    host: ka.comment(view.host),
    routerId: ka.name(view.routerId),
    sync: view.sync && { ...view.sync, interface: ka.interface(view.sync.interface), instance: ka.name(view.sync.instance) },
    scripts: view.scripts.map(script),
    syncGroups: (view.syncGroups ?? []).map((g) => ({ name: ka.name(g.name), instances: g.instances.map(ka.name) })),
    instances: view.instances.map(instance),
  };
}
