// The composable form: a program declares Director, RealServer and Vip components one at a time, each naming this
// cluster; `seal()` (called once the program has declared them all) assembles the same cluster value a stack
// config holds, plans it like LvsCluster does (components/declare-cluster.ts), and hands every declared component
// its host's or service's part of the plan. A director's keepalived.conf needs every Vip that names it, so nothing
// is rendered before seal(); a declaration after it is refused.
import * as pulumi from "@pulumi/pulumi";
import { assertNever } from "../core/util/never";
import type { ClusterInput, HostInput, ServiceInput } from "./cluster-input";
import { ClusterOptions, declareCluster } from "./declare-cluster";
import type { ClusterRegistry, Declaration, HostRole, ServiceRole } from "./host-role";
import type { HostDiscovery } from "./host-discovery";

/** The cluster-wide settings (everything of the cluster value but the blocks the components declare), and options. */
export type ComposedClusterArgs = Omit<ClusterInput, "hosts" | "directors" | "realServers" | "services"> & ClusterOptions;

export interface SealedCluster {
  directorHosts: string[];
  realServerHosts: string[];
  vipAddresses: pulumi.Output<string[]>;
  configHashes: pulumi.Output<Record<string, string>>;
  directorOrder: pulumi.Output<string[]>;
  discoveries: HostDiscovery[];
}

type Of<K extends Declaration["kind"]> = Extract<Declaration, { kind: K }>;

export class ComposedCluster extends pulumi.ComponentResource implements ClusterRegistry {
  private readonly resourceName: string;
  private readonly settings: Omit<ClusterInput, "hosts" | "directors" | "realServers" | "services">;
  private readonly options: ClusterOptions;
  private readonly declared: Declaration[] = [];
  private sealed?: SealedCluster;

  constructor(name: string, args: ComposedClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pulumi-lvs:index:ComposedCluster", name, {}, opts);
    this.resourceName = name;
    const { secrets, drainSeconds, liveOrder, holderReader, ...settings } = args;
    this.settings = settings;
    this.options = { secrets, drainSeconds, liveOrder, holderReader };
  }

  register(declaration: Declaration): void {
    if (this.sealed) throw new pulumi.RunError(`pulumi-lvs: ${this.what(declaration)} is declared after cluster ${this.resourceName}'s seal(): declare every director, real server and VIP first`);
    this.declared.push(declaration);
  }

  private what(d: Declaration): string {
    switch (d.kind) {
      case "director":
        return `Director ${d.host.name}`;
      case "realServer":
        return `RealServer ${d.host.name}`;
      case "vip":
        return `Vip ${d.name}`;
      default:
        return assertNever(d, "declaration kind");
    }
  }

  private all<K extends Declaration["kind"]>(kind: K): Of<K>[] {
    return this.declared.filter((d): d is Of<K> => d.kind === kind);
  }

  /** The cluster value the declarations make: what `pulumi-lvs:cluster` would hold for the same cluster. */
  clusterValue(): ClusterInput {
    const hostDecls = this.declared.filter((d): d is Of<"director"> | Of<"realServer"> => d.kind !== "vip");
    const hostOf = new Map<HostRole, string>(hostDecls.map((d) => [d.component, d.host.name]));
    const directors = this.all("director");
    const nameOf = (role: HostRole, what: string): string => {
      const host = hostOf.get(role);
      if (host === undefined) throw new pulumi.RunError(`pulumi-lvs: ${what} names ${role.host}, which is not declared with cluster ${this.resourceName}`);
      return host;
    };
    const services = this.all("vip").map((v): ServiceInput => {
      const named = new Set(v.directors.map((d) => nameOf(d, `Vip ${v.name}'s directors`)));
      const missing = directors.filter((d) => !named.has(d.host.name)).map((d) => d.host.name);
      if (missing.length > 0)
        throw new pulumi.RunError(`pulumi-lvs: Vip ${v.name} must name every director of cluster ${this.resourceName} (every director carries every VRRP group): missing ${missing.join(", ")}`);
      const realServers = v.members.map((m) => {
        const member: ServiceInput["realServers"][number] = { host: nameOf(m.server, `Vip ${v.name}'s members`) };
        if (m.port !== undefined) member.port = m.port;
        if (m.weight !== undefined) member.weight = m.weight;
        return member;
      });
      return { ...v.settings, name: v.name, vip: v.address, realServers };
    });
    const serving = hostDecls.flatMap((d) => {
      const settings = d.kind === "director" ? d.serving : d.settings;
      return settings && Object.values(settings).some((x) => x !== undefined) ? [{ ...settings, host: d.host.name }] : [];
    });
    const value: ClusterInput = {
      ...this.settings,
      hosts: hostDecls.map((d): HostInput => d.host),
      directors: directors.map((d) => ({ ...d.settings, host: d.host.name })),
      services,
    };
    if (serving.length > 0) value.realServers = serving;
    return value;
  }

  /** Plans the declared cluster and declares every host's resources; call once, after the last declaration. */
  seal(): SealedCluster {
    if (this.sealed) throw new pulumi.RunError(`pulumi-lvs: cluster ${this.resourceName} is sealed twice`);
    const value = this.clusterValue();
    const byHost = new Map<string, HostRole>(this.declared.flatMap((d) => (d.kind === "vip" ? [] : [[d.host.name, d.component] as const])));
    const vips = new Map<string, ServiceRole>(this.all("vip").map((v) => [v.name, v.component]));
    const role = (host: string): HostRole => {
      const found = byHost.get(host);
      if (!found) throw new pulumi.RunError(`pulumi-lvs: the plan of cluster ${this.resourceName} has a host ${host} that no component declared`);
      return found;
    };
    const d = declareCluster(this, this.resourceName, value, this.options, {
      realServer: (host, args, dependsOn) => {
        const r = role(host);
        r.attach(args, dependsOn);
        return r;
      },
      director: (host, args, dependsOn) => {
        const r = role(host);
        r.attach(args, dependsOn);
        return r;
      },
      vip: (service, args) => vips.get(service)?.attach(args),
    });
    const unplanned = this.all("realServer").filter((r) => !d.realServerHosts.includes(r.host.name) || d.directorHosts.includes(r.host.name));
    if (unplanned.length > 0)
      throw new pulumi.RunError(`pulumi-lvs: RealServer ${unplanned.map((r) => r.host.name).join(", ")} of cluster ${this.resourceName} is a member of no Vip (or is also a Director: use the Director as the member)`);
    this.sealed = { ...d };
    this.registerOutputs({ directorHosts: d.directorHosts, realServerHosts: d.realServerHosts, vipAddresses: d.vipAddresses, configHashes: d.configHashes, directorOrder: d.directorOrder });
    return this.sealed;
  }
}
