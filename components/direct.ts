// Drives the HostConfig provider directly, as the Pulumi engine would, for environments without the Pulumi CLI
// (the tests and the demo): create / diff+update / delete in the same order the components declare.
import type { ClusterConfig } from "../core/config/schema";
import { requireValidCluster } from "../core/config/validate";
import { buildModel } from "../core/model/cluster";
import { HostState, renderCluster } from "../core/render/host-state";
import { discoverValues, discoveryRequests } from "../host/discovery";
import { pooledTransport } from "../host/ssh";
import type { Transport } from "../host/transport";
import { readVipHolders } from "../host/vip-holders";
import { hostConfigProvider, HostConfigOutputs } from "./host-config-provider";
import { applyOrder, describeDirectorOrder, hostConfigInputs, liveDirectorOrder } from "./host-inputs";
import { secretReader, sshTargetFor } from "./ssh-target";
import { targetFor } from "./target";

export type DeploymentState = Record<string, HostConfigOutputs>;

/**
 * An apply that failed part-way. `state` is what the hosts now carry, as the engine would record it: the hosts done
 * before the failure with their new outputs, every other host (the failed one included) with its previous outputs.
 * Pass it to the next apply or to destroyCluster so nothing created before the failure is orphaned.
 */
export class ApplyError extends Error {
  constructor(
    readonly host: string,
    override readonly cause: Error,
    readonly state: DeploymentState,
  ) {
    super(`${host}: ${cause.message}`);
    this.name = "ApplyError";
  }
}

export interface DirectOptions {
  /** Secret config values by key (VRRP passwords, SSH keys referenced with { secret: … }). */
  secrets?: Record<string, string>;
  drainSeconds?: number;
  log?: (line: string) => void;
}

function structureOf(config: ReturnType<typeof requireValidCluster>["config"]) {
  return {
    hosts: config.hosts.map((h) => h.name),
    directors: config.directors.map((d) => ({ host: d.host, priority: d.priority })),
    members: new Set(config.services.flatMap((s) => s.realServers.map((m) => m.host))),
  };
}

export async function configureSecrets(secrets: Record<string, string> = {}): Promise<void> {
  await hostConfigProvider.configure({ config: { get: (k: string) => secrets[k], require: (k: string) => { if (!(k in secrets)) throw new Error(`missing config ${k}`); return secrets[k]; } } } as never);
}

/** Renders every host; values the config leaves out (MACs, interfaces) are first read on the hosts concerned. */
export async function renderWithDiscovery(
  config: ClusterConfig,
  secrets: Record<string, string> | undefined,
  transportFor: (host: string) => Promise<Transport>,
  log: (line: string) => void = () => undefined,
): Promise<HostState[]> {
  const model = buildModel(config);
  const hosts = renderCluster(model, { secrets });
  const requests = discoveryRequests(config, model, hosts.flatMap((h) => h.discover));
  if (requests.length === 0) return hosts;
  const discovered = await discoverValues(transportFor, requests);
  const found = [...Object.entries(discovered.macs).map(([h, v]) => `MAC of ${h}: ${v}`), ...Object.entries(discovered.interfaces).map(([h, v]) => `interface of ${h}: ${v}`)];
  log(`discovered ${found.join(", ")}`);
  return renderCluster(model, { secrets, discovered });
}

function sshTransportFor(config: ClusterConfig, secrets: Record<string, string> = {}) {
  const secret = secretReader({ get: (k: string) => secrets[k] } as never);
  return (host: string) => pooledTransport(sshTargetFor(host, targetFor(config, config.hosts.find((h) => h.name === host)!), secret));
}

/**
 * The static apply order, with the directors reordered by who holds the VIPs now (the live MASTER last). Only an
 * update reads the hosts: before the first create no director can hold a VIP.
 */
export async function orderForApply(
  config: ClusterConfig,
  previous: DeploymentState,
  transportFor: (host: string) => Promise<Transport>,
  log: (line: string) => void,
): Promise<string[]> {
  const order = applyOrder(structureOf(config));
  const directors = new Set(config.directors.map((d) => d.host));
  const staticDirectors = order.filter((h) => directors.has(h));
  const deployed = staticDirectors.filter((h) => previous[h]);
  if (deployed.length === 0) return order;
  const vips = [...new Set(config.services.map((s) => s.vip))];
  const holders = await readVipHolders(transportFor, deployed, vips, log);
  const live = liveDirectorOrder(staticDirectors, Object.keys(holders));
  log(describeDirectorOrder(live, holders));
  return [...order.filter((h) => !directors.has(h)), ...live];
}

/** Converges every host of the cluster; returns the new deployment state (the provider outputs per host). */
export async function applyCluster(raw: unknown, previous: DeploymentState = {}, options: DirectOptions = {}): Promise<DeploymentState> {
  const log = options.log ?? (() => undefined);
  await configureSecrets(options.secrets);
  const { config } = requireValidCluster(raw);
  const transportFor = sshTransportFor(config, options.secrets);
  const hosts = await renderWithDiscovery(config, options.secrets, transportFor, log);
  const order = await orderForApply(config, previous, transportFor, log);
  const next: DeploymentState = {};
  const gone = new Set<string>(); // deleted from their host during this apply
  let current = "";
  try {
    for (const name of order) {
      current = name;
      next[name] = await applyHost(name, hosts.find((h) => h.host === name)!, config, previous[name], options, log, () => gone.add(name));
    }
    for (const name of Object.keys(previous).reverse()) {
      if (next[name]) continue;
      current = name;
      await hostConfigProvider.delete(name, previous[name]);
      gone.add(name);
      log(`${name}: deleted`);
    }
  } catch (e) {
    const untouched = Object.fromEntries(Object.entries(previous).filter(([n]) => !(n in next) && !gone.has(n)));
    throw new ApplyError(current, e as Error, { ...untouched, ...next });
  }
  return next;
}

async function applyHost(
  name: string,
  state: HostState,
  config: ClusterConfig,
  old: HostConfigOutputs | undefined,
  options: DirectOptions,
  log: (l: string) => void,
  deleted: () => void,
): Promise<HostConfigOutputs> {
  const secretFiles = Object.fromEntries(state.files.filter((f) => f.secretKeys.length > 0).map((f) => [f.path, f.content]));
  const inputs = hostConfigInputs(config, state, secretFiles, options.drainSeconds ?? 5);
  if (!old) {
    const created = (await hostConfigProvider.create(inputs)).outs!;
    log(`${name}: created (${created.lastChanges.length} changes)`);
    return created;
  }
  const diff = await hostConfigProvider.diff(name, old, inputs);
  if (diff.replaces && diff.replaces.length > 0) {
    await hostConfigProvider.delete(name, old);
    deleted();
    const created = (await hostConfigProvider.create(inputs)).outs!;
    log(`${name}: replaced`);
    return created;
  }
  if (diff.changes === false) {
    log(`${name}: unchanged`);
    return old;
  }
  const updated = (await hostConfigProvider.update(name, old, inputs)).outs!;
  log(`${name}: updated (${updated.lastChanges.join("; ") || "no host changes"})`);
  return updated;
}

/** Deletes every host's managed state, directors first (the reverse of the apply order). */
export async function destroyCluster(previous: DeploymentState, options: DirectOptions = {}): Promise<void> {
  await configureSecrets(options.secrets);
  const directors = Object.values(previous).filter((o) => o.state.roles.includes("director"));
  const others = Object.values(previous).filter((o) => !o.state.roles.includes("director"));
  const byPriority = (o: HostConfigOutputs) => Math.max(0, ...o.state.vrrp.map((v) => v.priority));
  for (const o of [...directors.sort((a, b) => byPriority(b) - byPriority(a)), ...others]) {
    await hostConfigProvider.delete(o.host, o);
    options.log?.(`${o.host}: deleted`);
  }
}

/** Reads every host and reports drift (what `pulumi refresh` would find). */
export async function refreshCluster(previous: DeploymentState): Promise<Record<string, string[]>> {
  const drift: Record<string, string[]> = {};
  for (const [name, o] of Object.entries(previous)) {
    const r = await hostConfigProvider.read(name, o);
    drift[name] = (r.props as HostConfigOutputs).drift;
  }
  return drift;
}
