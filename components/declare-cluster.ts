// Declaring a planned cluster's resources, shared by the two forms: LvsCluster (one whole-cluster value) creates its
// Director, RealServer and Vip components itself; ComposedCluster hands the plan's host arguments to the ones the
// program declared. Either way: a HostDiscovery per host that must supply a value, a HostConfig per host under its
// Director or RealServer, real servers first and the directors after them (the live MASTER last).
import * as pulumi from "@pulumi/pulumi";
import { requireValidCluster } from "../core/config/validate";
import { validateSchema } from "../core/config/validate-schema";
import { checkLexical } from "../core/config/lexical";
import { ConfigError, formatIssue } from "../core/config/issues";
import type { ClusterConfig } from "../core/config/schema";
import type { Discovered } from "../core/model/discovery";
import { ClusterPlan, hostPlan, planCluster, secretFilesOf } from "../core/plan";
import { expectedMaster } from "../core/plan/expected-master";
import { structureOf, StructureError } from "../core/plan/structure";
import { decideDirectorOrder, HolderReader, LiveOrderSource } from "../host/director-order";
import type { HostRoleArgs, VipRoleArgs } from "./host-role";
import { HostDiscovery } from "./host-discovery";
import { HostPrepare } from "./host-prepare";
import { sshHolderReader } from "./live-order";
import { standIn, UnwirableError, wiredPaths } from "./wired-config";

export interface ClusterOptions {
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


/** Who receives the plan's arguments for each host and service. */
export interface RoleSinks<D extends pulumi.Resource, R extends pulumi.Resource> {
  /** `dependsOn`: every host's HostPrepare (a commit waits for every prepare). */
  realServer(host: string, args: HostRoleArgs, dependsOn: pulumi.Resource[]): R;
  director(host: string, args: HostRoleArgs, dependsOn: Promise<pulumi.Resource[]>): D;
  vip(service: string, args: VipRoleArgs): void;
}

export interface DeclaredCluster<D, R> {
  directors: D[];
  realServers: R[];
  discoveries: HostDiscovery[];
  prepares: HostPrepare[];
  directorHosts: string[];
  realServerHosts: string[];
  vipAddresses: pulumi.Output<string[]>;
  configHashes: pulumi.Output<Record<string, string>>;
  directorOrder: pulumi.Output<string[]>;
}

const asRunError = <T>(f: () => T): T => {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConfigError || e instanceof StructureError || e instanceof UnwirableError) throw new pulumi.RunError(e.message);
    throw e;
  }
};

/** The validated config; errors become RunErrors (printed without a stack), warnings go to `warn`. */
function validated(raw: unknown, warn: (message: string) => void): ClusterConfig {
  const result = asRunError(() => {
    if (!pulumi.Output.isInstance(raw)) structureOf(raw); // names must be plain strings: they name resources
    return requireValidCluster(raw);
  });
  // Pulumi prefixes "warning:" itself; formatIssue's own prefix would print "warning: warning: …".
  for (const w of result.warnings) warn(formatIssue(w).replace(/^warning: /, ""));
  return result.config;
}

/**
 * The shape of a value with Outputs at wired leaves, checked and defaulted with placeholders in their place: the
 * format and schema rules of every plain field, by key. The rules that compare values (subnets, distinct
 * addresses, weights against quorum) run on the resolved value, in the apply.
 */
function shaped(standInValue: unknown): ClusterConfig {
  return asRunError(() => {
    structureOf(standInValue);
    const schema = validateSchema(standInValue);
    const issues = [...checkLexical(standInValue), ...schema.issues].filter((i) => i.severity === "error");
    if (issues.length > 0 || !schema.config) throw new ConfigError(issues);
    return schema.config;
  });
}

export function declareCluster<D extends pulumi.Resource, R extends pulumi.Resource>(
  scope: pulumi.ComponentResource,
  name: string,
  config: unknown,
  options: ClusterOptions,
  sinks: RoleSinks<D, R>,
): DeclaredCluster<D, R> {
  const warn = (message: string) => void pulumi.log.warn(message, scope);
  const whole = pulumi.Output.isInstance(config);
  const wired = whole ? [] : asRunError(() => wiredPaths(config));
  const rawOutput = pulumi.output(config as pulumi.Input<object>) as pulumi.Output<unknown>;
  // A plain config is planned now, before any resource exists: it fails fast, and its names declare the resources.
  // One with wired leaves declares from a stand-in (placeholders at those leaves) and is planned for real in the
  // apply. A config given as one Output is planned in the apply (and declares nothing: its names come too late).
  const plain = !whole && wired.length === 0;
  const planned = whole ? undefined : plain ? planCluster(validated(config, warn)) : planCluster(shaped(standIn(config)));
  // The plan without discovered values: what does not depend on them (targets, the model), known even in preview.
  const base = rawOutput.apply((raw): ClusterPlan => (plain && planned ? planned : planCluster(validated(raw, warn))));

  const discoveries: HostDiscovery[] = [];
  // Only a discovery that asks for a firewall backend has that output: one missing from stored outputs is unknown in
  // a preview, which would show every HostConfig as changing on a no-op.
  const asksFirewall: boolean[] = [];
  for (const host of planned?.hosts.filter((h) => h.discovery.length > 0) ?? []) {
    const target = base.apply((p) => hostPlan(p, host.host).target);
    const requests = plain ? host.discovery : base.apply((p) => hostPlan(p, host.host).discovery);
    discoveries.push(new HostDiscovery(`${name}-${host.host}-discovery`, { host: host.host, target, requests }, { parent: scope }));
    asksFirewall.push(host.discovery.some((r) => r.what === "firewall"));
  }
  // Planning again inside an apply over the discovery outputs makes every HostConfig depend on them; during a
  // preview that creates them, the rendered files are unknown (shown as changes), never a false "no change".
  const discovered = pulumi.all(discoveries.map((d, i) => pulumi.all([d.macs, d.interfaces, asksFirewall[i] ? d.firewalls : undefined]))).apply((found) => {
    const out: Discovered = { macs: {}, interfaces: {} };
    for (const [macs, interfaces, firewalls] of found) {
      Object.assign(out.macs, macs);
      Object.assign(out.interfaces, interfaces);
      // Absent from HostDiscovery resources created before firewall backends were detected.
      if (firewalls) Object.assign((out.firewalls ??= {}), firewalls);
    }
    return out;
  });
  const rendered = pulumi.all([base, discovered]).apply(([p, found]) => (discoveries.length === 0 ? p : planCluster(p.config, { discovered: found })));
  // Secret files are rendered apart, with the secret values, into a secret Output: the state stays plain.
  const secretFiles = pulumi.secret(pulumi.all([base, pulumi.output(options.secrets ?? {})]).apply(([p, secrets]) => secretFilesOf(p, secrets as Record<string, string>)));
  const desiredOf = (host: string) => ({
    host,
    target: base.apply((p) => hostPlan(p, host).target),
    state: rendered.apply((p) => hostPlan(p, host).state),
    secretFiles: secretFiles.apply((all) => all[host] ?? {}),
  });

  // Every host's prepare (packages, staged and validated files: nothing that changes traffic) at once: nothing orders
  // them. Every commit (HostConfig) depends on all of them, so a failed prepare anywhere leaves every host as it was.
  const order = planned?.order ?? { realServers: [], directors: [] };
  const prepares = new Map<string, HostPrepare>();
  for (const host of [...order.realServers, ...order.directors])
    prepares.set(host, new HostPrepare(`${name}-${host}-prepare`, desiredOf(host), { parent: scope }));
  const allPrepares = [...prepares.values()];
  const hostArgs = (host: string): HostRoleArgs => ({ ...desiredOf(host), drainSeconds: options.drainSeconds, prepared: prepares.get(host)?.prepared });

  // Real servers first, then the directors: those not holding a VIP now first, the live MASTER last (falling back
  // to ascending priority). The chain is decided once every Director exists; destroy runs it in reverse.
  const realServers = order.realServers.map((host) => sinks.realServer(host, hostArgs(host), allPrepares));
  const source: LiveOrderSource =
    options.liveOrder === false
      ? { why: "liveOrder is off" }
      : !planned
        ? { why: "the config is an Output, so its hosts cannot be read before the apply" }
        : !plain
          ? { why: "host values come from other resources' outputs, not known while the program declares the order" }
          : { vips: planned.vips, read: options.holderReader ?? sshHolderReader(planned.config) };
  const directorOrder = decideDirectorOrder(order.directors, source, (line) => void pulumi.log.info(line, scope));
  const byHost = new Map<string, D>();
  const directors: D[] = [];
  for (const host of order.directors) {
    const dependsOn = directorOrder.then((o) => [...allPrepares, ...realServers, ...o.slice(0, o.indexOf(host)).map((h) => byHost.get(h)!)]);
    const director = sinks.director(host, hostArgs(host), dependsOn);
    byHost.set(host, director);
    directors.push(director);
  }
  (planned?.structure.services ?? []).forEach((service, i) => {
    const model = base.apply((p) => p.model);
    sinks.vip(service, { service: model.apply((m) => m.services[i]), expectedMaster: model.apply((m) => expectedMaster(m, service)) });
  });

  return {
    directors,
    realServers,
    discoveries,
    prepares: allPrepares,
    directorHosts: planned?.structure.directors.map((d) => d.host) ?? [],
    realServerHosts: planned ? planned.structure.hosts.filter((h) => planned.structure.members.has(h)) : [],
    vipAddresses: base.apply((p) => p.vips),
    configHashes: rendered.apply((p) => Object.fromEntries(p.hosts.map((h) => [h.host, h.state.hash]))),
    directorOrder: pulumi.output(directorOrder),
  };
}
