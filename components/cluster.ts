// The cluster component: validates the stack config, renders every host, and wires Directors, RealServers and Vips.
import * as pulumi from "@pulumi/pulumi";
import { requireValidCluster } from "../core/config/validate";
import { ConfigError, formatIssue } from "../core/config/issues";
import type { ClusterConfig } from "../core/config/schema";
import { buildModel, ClusterModel } from "../core/model/cluster";
import { renderCluster, HostState } from "../core/render/host-state";
import { Discovered, discoveryRequests } from "../host/discovery";
import { Director } from "./director";
import { RealServer } from "./real-server";
import { Vip } from "./vip";
import { targetFor } from "./target";
import { applyOrder } from "./host-inputs";
import { HostDiscovery } from "./host-discovery";
import { decideDirectorOrder, HolderReader, LiveOrderSource, sshHolderReader } from "./live-order";

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

interface Rendered {
  config: ClusterConfig;
  model: ClusterModel;
  hosts: HostState[];
}

/** Renders the cluster; `warn` logs the config warnings (done once per deployment, not per apply). */
function render(raw: unknown, secrets?: Record<string, string>, warn?: (message: string) => void, discovered?: Discovered): Rendered {
  let result;
  try {
    result = requireValidCluster(raw);
  } catch (e) {
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
  // Pulumi prefixes "warning:" itself; formatIssue's own prefix would print "warning: warning: …".
  if (warn) for (const w of result.warnings) warn(formatIssue(w).replace(/^warning: /, ""));
  const model = buildModel(result.config);
  return { config: result.config, model, hosts: renderCluster(model, { secrets, discovered }) };
}

/** Names and roles must be known when resources are declared; only values (addresses, secrets) may be Outputs. */
function structureOf(raw: unknown): { hosts: string[]; directors: { host: string; priority: number }[]; members: Set<string>; services: string[] } {
  const c = raw as { hosts?: { name?: unknown }[]; directors?: { host?: unknown; priority?: unknown }[]; services?: { name?: unknown; realServers?: { host?: unknown }[] }[] };
  const plain = (v: unknown, what: string): string => {
    if (typeof v !== "string") throw new pulumi.RunError(`pulumi-lvs:cluster: ${what} must be a plain string (not an Output): it names a resource`);
    return v;
  };
  return {
    hosts: (c.hosts ?? []).map((h) => plain(h.name, "hosts[].name")),
    directors: (c.directors ?? []).map((d) => ({ host: plain(d.host, "directors[].host"), priority: typeof d.priority === "number" ? d.priority : 0 })),
    members: new Set((c.services ?? []).flatMap((s) => (s.realServers ?? []).map((m) => plain(m.host, "services[].realServers[].host")))),
    services: (c.services ?? []).map((s) => plain(s.name, "services[].name")),
  };
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
    const rawOutput = pulumi.output(args.config as pulumi.Input<object>) as pulumi.Output<unknown>;
    const structure = structureOf(pulumi.Output.isInstance(args.config) ? {} : args.config);
    const warn = (message: string) => pulumi.log.warn(message, this);
    const plainConfig = !pulumi.Output.isInstance(args.config);
    const planned = plainConfig ? render(args.config, undefined, warn) : undefined; // fail fast, before any resource exists
    // Without discovered values: what does not depend on them (targets, the model), known even during preview.
    const base = rawOutput.apply((raw) => render(raw, undefined, plainConfig ? undefined : warn));
    const targetOf = (host: string) => base.apply((r) => targetFor(r.config, r.config.hosts.find((h) => h.name === host)!));

    const requests = planned ? discoveryRequests(planned.config, planned.model, planned.hosts.flatMap((h) => h.discover)) : [];
    for (const host of [...new Set(requests.map((r) => r.host))]) {
      const mine = requests.filter((r) => r.host === host);
      this.discoveries.push(new HostDiscovery(`${name}-${host}-discovery`, { host, target: targetOf(host), requests: mine }, { parent: this }));
    }
    // Rendering inside an apply over the discovery outputs makes every HostConfig depend on them; during a preview
    // that creates them, the rendered files are unknown (shown as changes), never a false "no change".
    const discovered = pulumi.all(this.discoveries.map((d) => pulumi.all([d.macs, d.interfaces]))).apply((found) => {
      const out: Discovered = { macs: {}, interfaces: {} };
      for (const [macs, interfaces] of found) {
        Object.assign(out.macs, macs);
        Object.assign(out.interfaces, interfaces);
      }
      return out;
    });
    const rendered = pulumi.all([rawOutput, discovered]).apply(([raw, found]) => render(raw, undefined, undefined, found));
    const secretValues = pulumi.output(args.secrets ?? {});
    const secretFiles = pulumi.secret(
      pulumi.all([rawOutput, secretValues]).apply(([raw, secrets]) => {
        const byHost: Record<string, Record<string, string>> = {};
        for (const h of render(raw, secrets as Record<string, string>).hosts)
          byHost[h.host] = Object.fromEntries(h.files.filter((f) => f.secretKeys.length > 0).map((f) => [f.path, f.content]));
        return byHost;
      }),
    );
    const stateOf = (host: string) => rendered.apply((r) => r.hosts.find((h) => h.host === host)!);
    const hostArgs = (host: string) => ({
      host,
      target: targetOf(host),
      state: stateOf(host),
      secretFiles: secretFiles.apply((all) => all[host] ?? {}),
      drainSeconds: args.drainSeconds,
    });

    // Real servers first, then the directors: those not holding a VIP now first, the live MASTER last (falling back
    // to ascending priority). The chain is decided once every Director exists; destroy runs it in reverse.
    const directorNames = new Set(structure.directors.map((d) => d.host));
    const staticOrder = applyOrder(structure);
    for (const host of staticOrder.filter((h) => !directorNames.has(h)))
      this.realServers.push(new RealServer(`${name}-${host}`, hostArgs(host), { parent: this }));
    const staticDirectors = staticOrder.filter((h) => directorNames.has(h));
    const source: LiveOrderSource =
      args.liveOrder === false
        ? { why: "liveOrder is off" }
        : !planned
          ? { why: "the config is an Output, so its hosts cannot be read before the apply" }
          : { vips: [...new Set(planned.model.services.map((s) => s.vip))], read: args.holderReader ?? sshHolderReader(planned.config) };
    const order = decideDirectorOrder(staticDirectors, source, (line) => void pulumi.log.info(line, this));
    const byHost = new Map<string, Director>();
    for (const host of staticDirectors) {
      const dependsOn = order.then((o) => [...this.realServers, ...o.slice(0, o.indexOf(host)).map((h) => byHost.get(h)!)]);
      const director = new Director(`${name}-${host}`, hostArgs(host), { parent: this, dependsOn });
      byHost.set(host, director);
      this.directors.push(director);
    }
    structure.services.forEach((service, i) => {
      this.vips.push(new Vip(`${name}-${service}`, { service: base.apply((r) => r.model.services[i]) }, { parent: this }));
    });

    this.directorHosts = structure.directors.map((d) => d.host);
    this.realServerHosts = structure.hosts.filter((h) => structure.members.has(h));
    this.vipAddresses = base.apply((r) => [...new Set(r.model.services.map((s) => s.vip))]);
    this.configHashes = rendered.apply((r) => Object.fromEntries(r.hosts.map((h) => [h.host, h.hash])));
    this.directorOrder = pulumi.output(order);
    this.registerOutputs({
      directorHosts: this.directorHosts,
      realServerHosts: this.realServerHosts,
      vipAddresses: this.vipAddresses,
      configHashes: this.configHashes,
      directorOrder: this.directorOrder,
    });
  }
}
