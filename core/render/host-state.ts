// The complete desired state of each host: managed files plus the settings that must also hold right now.
import { createHash } from "node:crypto";
import type { ClusterModel, FirewallBackend, HostModel, RealServerModel, Role } from "../model/cluster";
import { Discovered, Discovery, Holes, isPending, Pending, shown } from "../model/discovery";
import { keepalivedView } from "./keepalived-view";
import { renderKeepalivedConf } from "./keepalived-conf";
import { MANAGED_MARKER, NAMES, PATHS } from "./paths";
import { renderTemplate } from "./templates";
import type { KeepalivedView } from "./views";
import { keepalived, refusePassword } from "../formats/keepalived";
import { sysctl, sysctlKey } from "../formats/sysctl";
import { modules as moduleFiles } from "../formats/modules";
import { systemd } from "../formats/systemd";
import { firewallOf, FwmarkRule, fwmarkFiles, PlannedRule, plannedRules, rulesPath } from "./fwmark";
import { lineComment } from "../formats/lexicon";
import { scriptFile } from "../formats/script-file";
import type { HookModel } from "../model/hooks";
import { ConfigError } from "../config/issues";
import { NAMESPACE } from "../config/stack-file";
import { own } from "../util/own";

export interface ManagedFile {
  path: string;
  content: string;
  mode: string;
  owner: string;
  group: string;
  /** Secret config keys whose values are in `content` (or stand as placeholders there). */
  secretKeys: string[];
  /** Values still to be discovered on hosts before this file can be written (see HostState.discover). */
  pending: string[];
}

export interface ServiceUnit {
  name: string;
  enable: boolean;
  /** What to do when its files change: reload (keepalived) or restart (oneshot units re-run). */
  onChange: "reload" | "restart";
  /** Files that trigger onChange. */
  files: string[];
}

export interface HostState {
  host: string;
  address: string;
  sshAddress: string;
  roles: Role[];
  packages: string[];
  users: { name: string; system: boolean }[];
  modules: string[];
  sysctls: Record<string, string>;
  addresses: { interface: string; address: string }[];
  fwmarkRules: FwmarkRule[];
  services: ServiceUnit[];
  files: ManagedFile[];
  discover: Discovery[];
  vrrp: { group: string; vrid: number; vridDerived: boolean; priority: number; state: string }[];
  /** A director whose keepalived runs the IPVS connection sync daemon (lvs_sync_daemon). */
  ipvsSync: boolean;
  /** A director's keepalived.conf as a model (absent elsewhere): an update renders it again to drain removed members. */
  keepalived?: KeepalivedView;
  /** sha256 over every file path, mode and content: equal hashes mean nothing to write. */
  hash: string;
}

export interface RenderOptions {
  /** Secret values by config key; a missing key renders a placeholder (offline render). */
  secrets?: Record<string, string | undefined>;
  /** Values discovered on hosts: director MACs and real-server interfaces, by host name. */
  discovered?: Discovered;
}

/** A file holding secret values (or their placeholders): its content travels apart and is never hashed. */
export function isSecretFile(f: Pick<ManagedFile, "secretKeys">): boolean {
  return f.secretKeys.length > 0;
}

export function secretPlaceholder(key: string): string {
  return `<secret pulumi-lvs:${key}>`;
}

function file(path: string, content: string, extra: Partial<ManagedFile> = {}): ManagedFile {
  return { path, content, mode: "0644", owner: "root", group: "root", secretKeys: [], pending: [], ...extra };
}

function sortedSysctls(values: Record<string, string>) {
  return Object.keys(values)
    .sort()
    .map((key) => ({ key, value: values[key] }));
}

const head = (model: ClusterModel, host: string) => ({ cluster: lineComment(model.name), host: lineComment(host) });

/** A VRRP password enters auth_pass only if keepalived reads it back whole; the error names the secret's config key. */
function authPass(key: string, group: string, value: string): string {
  const refusal = refusePassword(value);
  if (refusal !== undefined)
    throw new ConfigError([{ key: `${NAMESPACE}:${key}`, message: `(the VRRP password of group "${group}") ${refusal}`, severity: "error" }]);
  return keepalived.password(value);
}

/** A VRRP group's PASS password file (0600): the secret `key`'s value when given, else a placeholder (offline render). */
function vrrpAuthFile(model: ClusterModel, host: string, group: string, key: string, secrets: RenderOptions["secrets"]): ManagedFile {
  const value = own(secrets, key);
  const password = value === undefined ? secretPlaceholder(key) : authPass(key, group, value);
  return file(PATHS.vrrpAuth(group), renderTemplate("vrrp-auth.conf", { ...head(model, host), password }), { mode: "0600", secretKeys: [key] });
}

/** The scripts a director installs for hooks given as `content`: root-owned, 0755 (keepalived's script security). */
function hookScriptFiles(model: ClusterModel, host: string): ManagedFile[] {
  const hooks: HookModel[] = [
    ...model.groups.flatMap((g) => g.notify.map((n) => n.hook)),
    ...model.services.flatMap((s) => [s.quorumUp, s.quorumDown].filter((h): h is HookModel => h !== undefined)),
  ];
  return hooks.flatMap((h) => {
    if (h.kind !== "installed") return [];
    return [file(h.path, renderTemplate("hook-script", { ...head(model, host), ...scriptFile.parts(h.content) }), { mode: "0755" })];
  });
}

/** Every director's secret files, rendered with the secret values: by host, by path. */
export function renderSecretFiles(model: ClusterModel, secrets: Record<string, string | undefined>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const d of model.directors) {
    out[d.host] = {};
    for (const g of model.groups) if (g.auth) out[d.host][PATHS.vrrpAuth(g.name)] = vrrpAuthFile(model, d.host, g.name, g.auth.secret, secrets).content;
  }
  return out;
}

export type { FwmarkRule };

export function renderHost(model: ClusterModel, host: HostModel, options: RenderOptions = {}): HostState {
  const director = model.directors.find((d) => d.host === host.name);
  const realServer = model.realServers.find((r) => r.host === host.name);
  const holes = new Holes(options.discovered);
  const files: ManagedFile[] = [];
  const packages = new Set<string>();
  const modules = new Set<string>();
  const sysctls: Record<string, string> = {};
  const services: ServiceUnit[] = [];
  const addresses: HostState["addresses"] = [];
  const users: HostState["users"] = [];
  let rules: PlannedRule[] = [];
  let firewall: FirewallBackend | Pending = "nftables";
  let keepalived: KeepalivedView | undefined;

  if (director) {
    packages.add("keepalived").add("ipvsadm");
    users.push({ name: NAMES.scriptUser, system: true });
    modules.add("ip_vs");
    for (const s of model.services) modules.add(moduleFiles.name(`ip_vs_${s.scheduler}`));
    sysctls["net.ipv4.vs.expire_nodest_conn"] = model.ipvs.expireNodestConn ? "1" : "0";
    sysctls["net.ipv4.vs.expire_quiescent_template"] = model.ipvs.expireQuiescentTemplate ? "1" : "0";
    sysctls["net.ipv4.vs.sloppy_tcp"] = model.ipvs.sloppyTcp ? "1" : "0";
    if (model.services.some((s) => s.forwarding === "NAT")) {
      sysctls["net.ipv4.ip_forward"] = "1";
      // Real servers on the director's own segment route replies through it; ICMP redirects would tell them to
      // bypass it, and replies that skip the director are never un-NATed. The effective value is all OR interface.
      for (const scope of ["all", "default", director.interface]) sysctls[sysctlKey("net", "ipv4", "conf", scope, "send_redirects")] = "0";
    }
    // IPv6 NAT: replies are forwarded back through the director (IPv6 forwarding also stops it accepting router adverts).
    if (model.services.some((s) => s.forwarding === "NAT" && s.vip.includes(":"))) sysctls["net.ipv6.conf.all.forwarding"] = "1";

    const confFiles: string[] = [PATHS.keepalivedConf];
    for (const group of model.groups) {
      if (!group.auth) continue;
      const auth = vrrpAuthFile(model, host.name, group.name, group.auth.secret, options.secrets);
      confFiles.push(auth.path);
      files.push(auth);
    }
    keepalived = keepalivedView(model, director);
    files.unshift(file(PATHS.keepalivedConf, renderKeepalivedConf(keepalived)));
    files.push(...hookScriptFiles(model, host.name));
    files.push(file(PATHS.modprobe, renderTemplate("modprobe.conf", { ...head(model, host.name), options: [moduleFiles.option("ip_vs", "conn_tab_bits", model.ipvs.connTabBits)] })));
    services.push({ name: "keepalived.service", enable: true, onChange: "reload", files: confFiles });
    if (model.services.some((s) => s.fwmark !== undefined)) {
      firewall = firewallOf(director, holes);
      rules = plannedRules(model, director, holes, rulesPath(firewall));
    }
  }

  if (realServer) addRealServer(model, realServer, holes, sysctls, modules, addresses, services, files);

  if (rules.length > 0) {
    const fw = fwmarkFiles(model, host.name, firewall, rules);
    packages.add(fw.package);
    for (const f of fw.files) files.push(file(f.path, f.content, { pending: f.pending }));
    services.push({ name: fw.unit.name, enable: true, onChange: "restart", files: fw.unit.files });
  }

  Object.assign(sysctls, host.sysctls);
  if (Object.keys(sysctls).length > 0) {
    const lines = sortedSysctls(sysctls).map(({ key, value }) => ({ key: sysctl.key(key), value: sysctl.value(value) }));
    files.push(file(PATHS.sysctl, renderTemplate("sysctl.conf", { ...head(model, host.name), sysctls: lines })));
  }
  if (modules.size > 0) {
    files.push(file(PATHS.modulesLoad, renderTemplate("modules-load.conf", { ...head(model, host.name), modules: [...modules] })));
  }

  const vrrp = director
    ? model.groups.map((g) => {
        const m = g.members.find((x) => x.host === director.host)!;
        return { group: g.name, vrid: g.vrid, vridDerived: g.vridDerived, priority: m.priority, state: m.state };
      })
    : [];

  const sortedFiles = files.sort((a, b) => a.path.localeCompare(b.path));
  return {
    host: host.name,
    address: host.address,
    sshAddress: host.sshAddress,
    roles: host.roles,
    packages: [...packages].sort(),
    users,
    modules: [...modules],
    sysctls: Object.fromEntries(sortedSysctls(sysctls).map((s) => [s.key, s.value])),
    addresses,
    fwmarkRules: rules.map((r) => ({ ...r, excludeMacs: r.excludeMacs.map(shown) })),
    services,
    files: sortedFiles,
    discover: holes.uses,
    vrrp,
    ipvsSync: Boolean(director && model.sync),
    keepalived,
    hash: hashFiles(sortedFiles),
  };
}

function addRealServer(
  model: ClusterModel,
  rs: RealServerModel,
  holes: Holes,
  sysctls: Record<string, string>,
  modules: Set<string>,
  addresses: HostState["addresses"],
  services: ServiceUnit[],
  files: ManagedFile[],
): void {
  if (rs.vips.length === 0) return;
  const iface = rs.interface ?? holes.fill("interface", rs.host, "route to the first director", PATHS.sysctl);
  // The kernel uses max(all, <iface>), so `all` alone is enough (and the file is complete without the interface while
  // it is pending); the named interface documents intent.
  for (const scope of ["all", ...(isPending(iface) ? [] : [iface])]) {
    sysctls[sysctlKey("net", "ipv4", "conf", scope, "arp_ignore")] = "1";
    sysctls[sysctlKey("net", "ipv4", "conf", scope, "arp_announce")] = "2";
  }
  if (rs.tunnel) {
    modules.add("ipip");
    sysctls["net.ipv4.conf.all.rp_filter"] = "0";
    sysctls["net.ipv4.conf.tunl0.rp_filter"] = "0";
  }
  // An IPv6 VIP is a /128 without duplicate address detection (it is on every real server and the master at once).
  // No sysctl is needed for neighbour discovery: Linux answers a solicitation only for an address on the interface
  // it arrived on (ndisc_recv_ns looks the target up strictly on that device), unlike ARP, so a VIP on lvs0 is
  // never announced on the serving interface (proven on the lab, test/e2e/dual-stack.test.ts).
  const bound = rs.vips.map((vip) => (vip.includes(":") ? { address: `${vip}/128`, nodad: true } : { address: `${vip}/32`, nodad: false }));
  for (const b of bound) addresses.push({ interface: NAMES.vipDevice, address: b.address });
  files.push(
    file(
      PATHS.vipUnit,
      renderTemplate("vip.service", {
        ...head(model, rs.host),
        device: NAMES.vipDevice,
        vips: bound.map((b) => ({ address: systemd.execArgument(b.address), nodad: b.nodad })),
        vipList: systemd.text(rs.vips.join(" ")),
        tunnel: rs.tunnel,
      }),
    ),
  );
  services.push({ name: NAMES.vipUnit, enable: true, onChange: "restart", files: [PATHS.vipUnit] });
}

export function hashFiles(files: ManagedFile[]): string {
  const h = createHash("sha256");
  for (const f of files) {
    h.update(`${f.path}\0${f.mode}\0${f.owner}:${f.group}\0`);
    // Secret files contribute their path only: a hash of a short password would be guessable.
    const content = isSecretFile(f) ? "<secret>" : f.content;
    // The same bytes as UTF-8 either way; an ASCII-only text (its UTF-8 length is its length) skips the encoder,
    // several times faster on a 50,000-member keepalived.conf.
    h.update(content, Buffer.byteLength(content, "utf8") === content.length ? "latin1" : "utf8");
    h.update("\0");
  }
  return h.digest("hex");
}

export function renderCluster(model: ClusterModel, options: RenderOptions = {}): HostState[] {
  return model.hosts.filter((h) => h.roles.length > 0).map((h) => renderHost(model, h, options));
}

export { MANAGED_MARKER };
