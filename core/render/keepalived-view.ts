// The typed view model of one director's keepalived.conf: every default and derived value decided here.
import type { ClusterModel, DirectorModel, ServiceMember, ServiceModel, VrrpGroupModel } from "../model/cluster";
import { NAMES, PATHS } from "./paths";
import { renderTemplate } from "./templates";
import { realServersText } from "./real-servers-text";

const servicesText = new WeakMap<ClusterModel, string>();

function virtualServersText(model: ClusterModel): string {
  let text = servicesText.get(model);
  if (text === undefined) {
    text = renderTemplate("keepalived-services.conf", { virtualServers: model.services.map(virtualServerView) });
    servicesText.set(model, text);
  }
  return text;
}

export interface CheckView {
  block: "TCP_CHECK" | "HTTP_GET" | "SSL_GET" | "MISC_CHECK";
  url: { path: string; statusCode: string; digest: string | null } | null;
  miscPath: string | null;
  miscTimeout: number | null;
  connectPort: number | null;
  /** Connection checks only (TCP/HTTP/SSL); MISC_CHECK has no connection. */
  connectTimeout: number | null;
  retry: number;
  delayBeforeRetry: number;
}

export interface RealServerView {
  address: string;
  port: number | null;
  weight: number;
  check: CheckView | null;
}

export interface VirtualServerView {
  name: string;
  /** `VIP PORT` or `fwmark N`. */
  address: string;
  fwmarkNote: string | null;
  delayLoop: number;
  scheduler: string;
  method: "DR" | "NAT" | "TUN";
  /** Omitted for fwmark services (keepalived warns, and its config test fails, when one is given). */
  protocol: string | null;
  persistenceTimeout: number | null;
  persistenceGranularity: string | null;
  quorum: number | null;
  /** The real_server blocks (rendered from the real_server partial, see real-servers-text.ts). */
  realServersText: string;
}

export interface VrrpInstanceView {
  name: string;
  state: "MASTER" | "BACKUP";
  interface: string;
  vrid: number;
  vridDerived: boolean;
  priority: number;
  advertInt: number;
  nopreempt: boolean;
  preemptDelay: number | null;
  unicastSrc: string;
  unicastPeers: string[];
  authInclude: string | null;
  vips: string[];
  trackScripts: string[];
}

export interface VrrpScriptView {
  name: string;
  script: string;
  interval: number;
  timeout: number | null;
  weight: number;
  fall: number;
  rise: number;
}

export interface KeepalivedView {
  cluster: string;
  host: string;
  routerId: string;
  scriptUser: string;
  garpMasterRefresh: number;
  reloadCheckConfig: boolean;
  sync: { interface: string; instance: string; id: number } | null;
  timeouts: { name: string; seconds: number }[] | null;
  scripts: VrrpScriptView[];
  instances: VrrpInstanceView[];
  /** The virtual_server blocks, identical on every director: rendered once per cluster. */
  virtualServersText: string;
}

function checkView(service: ServiceModel, member: ServiceMember): CheckView | null {
  const hc = service.healthCheck;
  if (hc.type === "NONE") return null;
  const common = { retry: hc.retry, delayBeforeRetry: hc.delayBeforeRetry };
  if (hc.type === "MISC") {
    return { block: "MISC_CHECK", url: null, miscPath: hc.script ?? "", miscTimeout: hc.scriptTimeout, connectPort: null, connectTimeout: null, ...common };
  }
  const connectPort = hc.port ?? member.port ?? service.port ?? service.markPorts[0] ?? null;
  const url = hc.type === "TCP" ? null : { path: hc.path, statusCode: hc.statusCode, digest: hc.digest ?? null };
  const block = hc.type === "TCP" ? "TCP_CHECK" : hc.type === "HTTP" ? "HTTP_GET" : "SSL_GET";
  return { block, url, miscPath: null, miscTimeout: null, connectPort, connectTimeout: hc.connectTimeout, ...common };
}

function virtualServerView(service: ServiceModel): VirtualServerView {
  const fwmark = service.fwmark;
  // One check view object per connect port, so members with equal checks share it (see real-servers-text.ts).
  const checks = new Map<number | null, CheckView | null>();
  const checkFor = (m: ServiceMember) => {
    const view = checkView(service, m);
    const key = view?.connectPort ?? null;
    if (!checks.has(key)) checks.set(key, view);
    return checks.get(key)!;
  };
  const realServers: RealServerView[] = service.members.map((m) => ({
    address: m.address,
    // A fwmark service carries no port; DR/TUN members listen on the virtual port.
    port: fwmark !== undefined ? null : (m.port ?? service.port ?? null),
    weight: m.weight,
    check: checkFor(m),
  }));
  return {
    name: service.name,
    address: fwmark !== undefined ? `fwmark ${fwmark}` : `${service.vip} ${service.port}`,
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
    realServersText: realServersText(realServers),
  };
}

function instanceView(group: VrrpGroupModel, director: DirectorModel): VrrpInstanceView {
  const member = group.members.find((m) => m.host === director.host)!;
  return {
    name: group.name,
    state: member.state,
    interface: member.interface,
    vrid: group.vrid,
    vridDerived: group.vridDerived,
    priority: member.priority,
    advertInt: group.advertInt,
    nopreempt: group.nopreempt,
    preemptDelay: group.preemptDelay ?? null,
    unicastSrc: member.address,
    unicastPeers: member.unicastPeers,
    authInclude: group.auth ? PATHS.vrrpAuth(group.name) : null,
    vips: group.vips.map((vip) => `${vip}/32 dev ${member.interface}`),
    trackScripts: group.trackScripts.map((t) => t.name),
  };
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
    instances: model.groups.map((g) => instanceView(g, director)),
    virtualServersText: virtualServersText(model),
  };
}
