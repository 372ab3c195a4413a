// The cluster component: plans the stack config (core/plan) and declares what the plan says: a HostDiscovery per host
// that must supply a value, a Director or RealServer (each with its HostConfig) per host, a Vip per service, and the
// order the hosts change in.
import * as pulumi from "@pulumi/pulumi";
import { requireValidCluster } from "../core/config/validate";
import { ConfigError, formatIssue } from "../core/config/issues";
import type { ClusterConfig } from "../core/config/schema";
import type { Discovered } from "../core/model/discovery";
import { ClusterPlan, hostPlan, planCluster, secretFilesOf } from "../core/plan";
import { structureOf, StructureError } from "../core/plan/structure";
import { decideDirectorOrder, HolderReader, LiveOrderSource } from "../host/director-order";
import { Director } from "./director";
import { RealServer } from "./real-server";
import { Vip } from "./vip";
import { HostDiscovery } from "./host-discovery";
import { sshHolderReader } from "./live-order";

export interface LvsClusterArgs {
  /** The `pulumi-lvs:cluster` value. Leaves such as host addresses may be Outputs of other resources. */
  config: pulumi.Input<unknown>;
  /** Secret values by config key, for the references in the config (e.g. VRRP passwords). */
  secrets?: Record<string, pulumi.Input<string>>;
  /** Seconds a removed real server is kept at weight 0 before it is deleted. */
  drainSeconds?: number;
  /**
   * Order the directors by who holds the VIPs now, read over SSH while the program runs: backups first, the live
   * MASTER last. Default true; false keeps the static order (ascending priority).
   */
  liveOrder?: boolean;
  /** How the live VIP holders are read (default: over SSH); for tests and custom transports. */
  holderReader?: HolderReader;
}

/** The validated config; errors become RunErrors (printed without a stack), warnings go to `warn`. */
function validated(raw: unknown, warn: (message: string) => void): ClusterConfig {
  let result;
  try {
    if (!pulumi.Output.isInstance(raw)) structureOf(raw); // names must be plain strings: they name resources
    result = requireValidCluster(raw);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof StructureError) throw new pulumi.RunError(e.message);
    throw e;
  }
  // Pulumi prefixes "warning:" itself; formatIssue's own prefix would print "warning: warning: …".
  for (const w of result.warnings) warn(formatIssue(w).replace(/^warning: /, ""));
  return result.config;
}

export class LvsCluster extends pulumi.ComponentResource {
  readonly directors: Director[] = [];
  readonly realServers: RealServer[] = [];
  readonly vips: Vip[] = [];
  /** One per host that must supply a value the config leaves out (a director's MAC, a serving interface). */
  readonly discoveries: HostDiscovery[] = [];
  readonly directorHosts: string[];
  readonly realServerHosts: string[];
  readonly vipAddresses: pulumi.Output<string[]>;
  readonly configHashes: pulumi.Output<Record<string, string>>;
  /** The order the directors' changes go out in (their dependsOn chain). */
  readonly directorOrder: pulumi.Output<string[]>;

  constructor(name: string, args: LvsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pulumi-lvs:index:LvsCluster", name, {}, opts);
    const warn = (message: string) => void pulumi.log.warn(message, this);
    const rawOutput = pulumi.output(args.config as pulumi.Input<object>) as pulumi.Output<unknown>;
    // A plain config is planned now, before any resource exists: it fails fast, and its names declare the resources.
    // A config given as an Output is planned in the apply (and declares nothing: its names come too late).
    const planned = pulumi.Output.isInstance(args.config) ? undefined : planCluster(validated(args.config, warn));
    // The plan without discovered values: what does not depend on them (targets, the model), known even in preview.
    const base = rawOutput.apply((raw): ClusterPlan => planned ?? planCluster(validated(raw, warn)));

    for (const host of planned?.hosts.filter((h) => h.discovery.length > 0) ?? []) {
      const target = base.apply((p) => hostPlan(p, host.host).target);
      this.discoveries.push(new HostDiscovery(`${name}-${host.host}-discovery`, { host: host.host, target, requests: host.discovery }, { parent: this }));
    }
    // Planning again inside an apply over the discovery outputs makes every HostConfig depend on them; during a
    // preview that creates them, the rendered files are unknown (shown as changes), never a false "no change".
    const discovered = pulumi.all(this.discoveries.map((d) => pulumi.all([d.macs, d.interfaces, d.firewalls]))).apply((found) => {
      const out: Discovered = { macs: {}, interfaces: {} };
      for (const [macs, interfaces, firewalls] of found) {
        Object.assign(out.macs, macs);
        Object.assign(out.interfaces, interfaces);
        // Absent from HostDiscovery resources created before firewall backends were detected.
        if (firewalls) Object.assign((out.firewalls ??= {}), firewalls);
      }
      return out;
    });
    const rendered = pulumi.all([base, discovered]).apply(([p, found]) => (this.discoveries.length === 0 ? p : planCluster(p.config, { discovered: found })));
    // Secret files are rendered apart, with the secret values, into a secret Output: the state stays plain.
    const secretFiles = pulumi.secret(pulumi.all([base, pulumi.output(args.secrets ?? {})]).apply(([p, secrets]) => secretFilesOf(p, secrets as Record<string, string>)));
    const hostArgs = (host: string) => ({
      host,
      target: base.apply((p) => hostPlan(p, host).target),
      state: rendered.apply((p) => hostPlan(p, host).state),
      secretFiles: secretFiles.apply((all) => all[host] ?? {}),
      drainSeconds: args.drainSeconds,
    });

    // Real servers first, then the directors: those not holding a VIP now first, the live MASTER last (falling back
    // to ascending priority). The chain is decided once every Director exists; destroy runs it in reverse.
    const order = planned?.order ?? { realServers: [], directors: [] };
    for (const host of order.realServers) this.realServers.push(new RealServer(`${name}-${host}`, hostArgs(host), { parent: this }));
    const source: LiveOrderSource =
      args.liveOrder === false
        ? { why: "liveOrder is off" }
        : !planned
          ? { why: "the config is an Output, so its hosts cannot be read before the apply" }
          : { vips: planned.vips, read: args.holderReader ?? sshHolderReader(planned.config) };
    const directorOrder = decideDirectorOrder(order.directors, source, (line) => void pulumi.log.info(line, this));
    const byHost = new Map<string, Director>();
    for (const host of order.directors) {
      const dependsOn = directorOrder.then((o) => [...this.realServers, ...o.slice(0, o.indexOf(host)).map((h) => byHost.get(h)!)]);
      const director = new Director(`${name}-${host}`, hostArgs(host), { parent: this, dependsOn });
      byHost.set(host, director);
      this.directors.push(director);
    }
    (planned?.structure.services ?? []).forEach((service, i) => {
      this.vips.push(new Vip(`${name}-${service}`, { service: base.apply((p) => p.model.services[i]) }, { parent: this }));
    });

    this.directorHosts = planned?.structure.directors.map((d) => d.host) ?? [];
    this.realServerHosts = planned ? planned.structure.hosts.filter((h) => planned.structure.members.has(h)) : [];
    this.vipAddresses = base.apply((p) => p.vips);
    this.configHashes = rendered.apply((p) => Object.fromEntries(p.hosts.map((h) => [h.host, h.state.hash])));
    this.directorOrder = pulumi.output(directorOrder);
    this.registerOutputs({
      directorHosts: this.directorHosts,
      realServerHosts: this.realServerHosts,
      vipAddresses: this.vipAddresses,
      configHashes: this.configHashes,
      directorOrder: this.directorOrder,
    });
  }
}
