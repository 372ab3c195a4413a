// The typed view model of one director's keepalived.conf (views.ts): every default and derived value decided here.
import type { HealthCheckConfig } from "../config/schema";
import { serviceVips } from "../model/cluster";
import type { ClusterModel, DirectorModel, ServiceMember, ServiceModel, VrrpGroupModel } from "../model/cluster";
import { ConnectionCheck, isConnectionCheck } from "../model/health-check";
import { assertNever } from "../util/never";
import type { HookModel } from "../model/hooks";
import { NAMES, PATHS } from "./paths";
import type { CheckView, KeepalivedView, RealServerView, VirtualServerView, VrrpInstanceView, VrrpScriptView } from "./views";

export type { CheckView, KeepalivedView, RealServerView, VirtualServerView } from "./views";

type UrlCheck = Extract<HealthCheckConfig, { type: "HTTP" | "SSL" }>;

const noExtras = { url: null, dns: null, heloName: null, miscPath: null, miscTimeout: null } as const;

function connectionCheck(hc: ConnectionCheck, block: CheckView["block"], extras: Partial<Pick<CheckView, "url" | "dns" | "heloName">> = {}): CheckView {
  return { block, ...noExtras, ...extras, connectTimeout: hc.connectTimeout, retry: hc.retry, delayBeforeRetry: hc.delayBeforeRetry };
}

/** The command line keepalived runs for a hook: an installed script gets the event's state and name as arguments. */
export function hookCommand(hook: HookModel): string {
  switch (hook.kind) {
    case "command":
      return hook.command;
    case "installed":
      return [hook.path, ...hook.args].join(" ");
    default:
      return assertNever(hook, "hook kind");
  }
}

const urlOf = (hc: UrlCheck): CheckView["url"] => ({ path: hc.path, statusCode: hc.statusCode, digest: hc.digest ?? null });

function checkView(hc: HealthCheckConfig): CheckView | null {
  switch (hc.type) {
    case "NONE":
      return null;
    case "MISC":
      return { block: "MISC_CHECK", ...noExtras, miscPath: hc.script, miscTimeout: hc.scriptTimeout, connectTimeout: null, retry: hc.retry, delayBeforeRetry: hc.delayBeforeRetry };
    case "PING":
      return { block: "PING_CHECK", ...noExtras, connectTimeout: hc.connectTimeout, retry: hc.retry, delayBeforeRetry: hc.delayBeforeRetry };
    case "TCP":
      return connectionCheck(hc, "TCP_CHECK");
    case "HTTP":
      return connectionCheck(hc, "HTTP_GET", { url: urlOf(hc) });
    case "SSL":
      return connectionCheck(hc, "SSL_GET", { url: urlOf(hc) });
    case "UDP":
      return connectionCheck(hc, "UDP_CHECK");
    case "DNS":
      return connectionCheck(hc, "DNS_CHECK", { dns: { type: hc.queryType, name: hc.queryName } });
    case "SMTP":
      return connectionCheck(hc, "SMTP_CHECK", { heloName: hc.heloName ?? null });
    default:
      return assertNever(hc, "health check type");
  }
}

/** The port a connection check probes: the check's own, else the member's, else the service's. */
function connectPortOf(service: ServiceModel, member: ServiceMember): number | null {
  const hc = service.healthCheck;
  return isConnectionCheck(hc) ? (hc.port ?? member.port ?? service.port ?? service.markPorts[0] ?? null) : null;
}

function virtualServerView(service: ServiceModel): VirtualServerView {
  const fwmark = service.fwmark;
  const realServers: RealServerView[] = service.members.map((m) => ({
    address: m.address,
    // A fwmark service carries no port; DR/TUN members listen on the virtual port.
    port: fwmark !== undefined ? null : (m.port ?? service.port ?? null),
    weight: m.weight,
    connectPort: connectPortOf(service, m),
    draining: false,
  }));
  return {
    name: service.name,
    address: fwmark !== undefined ? `fwmark ${fwmark}` : service.groupVips.length > 0 ? `group ${service.name}` : `${service.vip} ${service.port}`,
    fwmarkNote:
      fwmark === undefined
        ? null
        : service.colocated
          ? `${service.vip} ports ${service.markPorts.join(",")} by fwmark ${fwmark}${service.fwmarkDerived ? " (derived)" : ""}, marked only when not forwarded by a peer director (co-located DR)`
          : `${service.vip} ports ${service.markPorts.join(",")} by fwmark ${fwmark}`,
    delayLoop: service.healthCheck.delayLoop,
    scheduler: service.scheduler,
    method: service.forwarding,
    protocol: fwmark !== undefined ? null : service.protocol,
    persistenceTimeout: service.persistence?.timeout ?? null,
    persistenceGranularity: service.persistence?.granularity ?? null,
    quorum: service.quorum ?? null,
    quorumUp: service.quorumUp ? hookCommand(service.quorumUp) : null,
    quorumDown: service.quorumDown ? hookCommand(service.quorumDown) : null,
    group: service.groupVips.length > 0 ? { name: service.name, entries: serviceVips(service).map((vip) => `${vip} ${service.port}`) } : null,
    sorryServer: service.sorryServer
      ? { address: service.sorryServer.address, port: fwmark !== undefined ? null : (service.sorryServer.port ?? service.port ?? null) }
      : null,
    inhibitOnFailure: service.inhibitOnFailure,
    alpha: service.alpha,
    omega: service.omega,
    check: checkView(service.healthCheck),
    realServers,
  };
}

/** The virtual servers are the same on every director: one array per model. */
const servicesView = new WeakMap<ClusterModel, VirtualServerView[]>();

function virtualServers(model: ClusterModel): VirtualServerView[] {
  let views = servicesView.get(model);
  if (!views) servicesView.set(model, (views = model.services.map(virtualServerView)));
  return views;
}

function instanceView(group: VrrpGroupModel, director: DirectorModel): VrrpInstanceView {
  const member = group.members.find((m) => m.host === director.host)!;
  return {
    name: group.name,
    state: member.state,
    interface: member.interface,
    vrid: group.vrid,
    vridDerived: group.vridDerived,
    ...(group.version === 3 ? { version: 3 as const } : {}),
    priority: member.priority,
    advertInt: group.advertInt,
    nopreempt: group.nopreempt,
    preemptDelay: group.preemptDelay ?? null,
    unicastSrc: member.address,
    unicastPeers: member.unicastPeers,
    authInclude: group.auth ? PATHS.vrrpAuth(group.name) : null,
    vips: group.vips.map((vip) => `${vip}/${group.family === 6 ? 128 : 32} dev ${member.interface}`),
    trackScripts: group.trackScripts.map((t) => t.name),
    trackInterfaces: group.trackInterfaces.map((t) => ({ interface: t.interface, weight: t.weight })),
    notify: group.notify.map((n) => ({ state: n.state, command: hookCommand(n.hook) })),
  };
}

/** Groups naming one syncGroup, in group order; the key is left out when there are none (views stay as before). */
function syncGroupsOf(model: ClusterModel): { syncGroups?: KeepalivedView["syncGroups"] } {
  const byName = new Map<string, string[]>();
  for (const g of model.groups) if (g.syncGroup !== undefined) byName.set(g.syncGroup, [...(byName.get(g.syncGroup) ?? []), g.name]);
  return byName.size === 0 ? {} : { syncGroups: [...byName].map(([name, instances]) => ({ name, instances })) };
}

export function keepalivedView(model: ClusterModel, director: DirectorModel): KeepalivedView {
  const scripts = new Map<string, VrrpScriptView>();
  for (const group of model.groups) {
    for (const t of group.trackScripts) {
      scripts.set(t.name, { name: t.name, script: t.script, interval: t.interval, timeout: t.timeout ?? null, weight: t.weight, fall: t.fall, rise: t.rise });
    }
  }
  const t = model.ipvs.timeouts;
  const timeouts = t
    ? (["tcp", "tcpfin", "udp"] as const).filter((k) => t[k] !== undefined).map((k) => ({ name: k, seconds: t[k]! }))
    : [];
  return {
    cluster: model.name,
    host: director.host,
    routerId: director.host,
    scriptUser: NAMES.scriptUser,
    garpMasterRefresh: 60,
    reloadCheckConfig: true,
    sync: model.sync ? { interface: model.sync.interface ?? director.interface, instance: model.sync.group, id: model.sync.id } : null,
    timeouts: timeouts.length > 0 ? timeouts : null,
    scripts: [...scripts.values()],
    ...syncGroupsOf(model),
    instances: model.groups.map((g) => instanceView(g, director)),
    virtualServers: virtualServers(model),
  };
}
