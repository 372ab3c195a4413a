// Drives the HostConfig provider directly, as the Pulumi engine would, for environments without the Pulumi CLI
// (the tests and the demo): the same plan as the component, then create / diff+update / delete in the same order,
// and refresh keeping what read() returns, as the engine stores it.
import type { ClusterConfig } from "../core/config/schema";
import { requireValidCluster } from "../core/config/validate";
import { ClusterPlan, hostPlan, planCluster } from "../core/plan";
import { describeDiscovered } from "../core/plan/discovery";
import { targetOf } from "../core/plan/target";
import { deploymentOf, Prepared, preparedText } from "../host/deploy";
import { decideDirectorOrder } from "../host/director-order";
import { discoverValues } from "../host/discovery";
import { pooledTransport } from "../host/ssh";
import { secretReader, sshTargetFor } from "../host/ssh-target";
import type { Transport } from "../host/transport";
import { readVipHolders } from "../host/vip-holders";
import { hostConfigProvider, HostConfigInputs, HostConfigOutputs } from "./host-config-provider";
import { hostPrepareProvider, HostPrepareInputs } from "./host-prepare-provider";

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
  /** Called as each host's prepare and commit start and end (progress display). */
  onHost?: (host: string, phase: "start" | "done", step: "prepare" | "commit") => void;
}

export async function configureSecrets(secrets: Record<string, string> = {}): Promise<void> {
  const config = { get: (k: string) => secrets[k], require: (k: string) => { if (!(k in secrets)) throw new Error(`missing config ${k}`); return secrets[k]; } };
  await hostConfigProvider.configure({ config } as never);
  await hostPrepareProvider.configure({ config } as never);
}

/** The plan with the values the config leaves out (MACs, interfaces) first read on the hosts concerned. */
export async function planWithDiscovery(
  config: ClusterConfig,
  secrets: Record<string, string> | undefined,
  transportFor: (host: string) => Promise<Transport>,
  log: (line: string) => void = () => undefined,
): Promise<ClusterPlan> {
  const plan = planCluster(config, { secrets });
  if (plan.discovery.length === 0) return plan;
  const discovered = await discoverValues(transportFor, plan.discovery);
  log(`discovered ${describeDiscovered(discovered)}`);
  return planCluster(config, { secrets, discovered });
}

function sshTransportFor(config: ClusterConfig, secrets: Record<string, string> = {}) {
  const secret = secretReader({ get: (k: string) => secrets[k] });
  return (host: string) => pooledTransport(sshTargetFor(host, targetOf(config, host), secret));
}

/**
 * The plan's apply order, with the directors reordered by who holds the VIPs now (the live MASTER last). Only an
 * update reads the hosts: before the first create no director can hold a VIP.
 */
export async function orderForApply(
  plan: ClusterPlan,
  previous: DeploymentState,
  transportFor: (host: string) => Promise<Transport>,
  log: (line: string) => void,
): Promise<string[]> {
  const { realServers, directors } = plan.order;
  const deployed = directors.filter((h) => previous[h]);
  if (deployed.length === 0) return [...realServers, ...directors];
  const live = await decideDirectorOrder(directors, { vips: plan.vips, read: (_all, vips, l) => readVipHolders(transportFor, deployed, vips, l) }, log);
  return [...realServers, ...live];
}

type Action = "create" | "replace" | "update" | "same";

/** What a host's commit will be, from the provider's own diff (as the engine decides it). */
async function actionOf(name: string, inputs: HostConfigInputs, old: HostConfigOutputs | undefined): Promise<Action> {
  if (!old) return "create";
  const diff = await hostConfigProvider.diff(name, old, inputs);
  if (diff.replaces && diff.replaces.length > 0) return "replace";
  return diff.changes === false ? "same" : "update";
}

/**
 * The prepare phase of every host that changes, all at once (as the engine runs the HostPrepare resources, which
 * nothing orders). Any failure fails the apply before any host's commit: every host keeps its running config.
 */
async function prepareAll(
  hosts: { name: string; action: Action; inputs: HostConfigInputs; old?: HostConfigOutputs }[],
  previous: DeploymentState,
  onHost: DirectOptions["onHost"],
): Promise<Record<string, Prepared>> {
  const results = await Promise.allSettled(
    hosts.map(async ({ name, action, inputs, old }) => {
      const { drainSeconds: _d, ...desired } = inputs;
      onHost?.(name, "start", "prepare");
      const prepared = old && action === "update" ? await hostPreparePrepare(name, old, desired) : await hostPrepareCreate(desired);
      onHost?.(name, "done", "prepare");
      return [name, prepared] as const;
    }),
  );
  const failed = results.findIndex((r) => r.status === "rejected");
  if (failed >= 0) {
    // As a destroy after the failed up would: what the other prepares left goes (their hosts are not in the state).
    await Promise.allSettled(
      results.map((r, i) => (r.status === "fulfilled" && hosts[i].action !== "update" ? hostPrepareProvider.delete(hosts[i].name, { ...hosts[i].inputs, ...r.value[1] }) : undefined)),
    );
    throw new ApplyError(hosts[failed].name, (results[failed] as PromiseRejectedResult).reason as Error, previous);
  }
  return Object.fromEntries(results.map((r) => (r as PromiseFulfilledResult<readonly [string, Prepared]>).value));
}

const hostPrepareCreate = async (inputs: HostPrepareInputs): Promise<Prepared> => (await hostPrepareProvider.create(inputs)).outs!;
// The deployed outputs hold what an earlier prepare recorded: the state and the baseline.
const hostPreparePrepare = async (name: string, old: HostConfigOutputs, inputs: HostPrepareInputs): Promise<Prepared> =>
  (await hostPrepareProvider.update(name, { ...old, lastChanges: [] }, inputs)).outs!;

/** Converges every host of the cluster; returns the new deployment state (the provider outputs per host). */
export async function applyCluster(raw: unknown, previous: DeploymentState = {}, options: DirectOptions = {}): Promise<DeploymentState> {
  const log = options.log ?? (() => undefined);
  await configureSecrets(options.secrets);
  const { config } = requireValidCluster(raw);
  const transportFor = sshTransportFor(config, options.secrets);
  const plan = await planWithDiscovery(config, options.secrets, transportFor, log);
  const order = await orderForApply(plan, previous, transportFor, log);
  const hosts = await Promise.all(
    order.map(async (name) => {
      const inputs = deploymentOf(hostPlan(plan, name).desired, options.drainSeconds ?? 5);
      return { name, inputs, old: previous[name], action: await actionOf(name, inputs, previous[name]) };
    }),
  );
  const prepared = await prepareAll(hosts.filter((h) => h.action !== "same"), previous, options.onHost);
  const next: DeploymentState = {};
  const gone = new Set<string>(); // deleted from their host during this apply
  let current = "";
  try {
    for (const { name, inputs, old, action } of hosts) {
      current = name;
      if (action === "same") {
        log(`${name}: unchanged`);
        next[name] = old!;
        continue;
      }
      options.onHost?.(name, "start", "commit");
      next[name] = await commitHost(name, action, { ...inputs, prepared: preparedText(prepared[name]) }, old, log, () => gone.add(name));
      options.onHost?.(name, "done", "commit");
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

async function commitHost(name: string, action: Exclude<Action, "same">, inputs: HostConfigInputs, old: HostConfigOutputs | undefined, log: (l: string) => void, deleted: () => void): Promise<HostConfigOutputs> {
  if (action === "create" || !old) {
    const created = (await hostConfigProvider.create(inputs)).outs!;
    log(`${name}: created (${created.lastChanges.length} changes)`);
    return created;
  }
  if (action === "replace") {
    await hostConfigProvider.delete(name, old);
    deleted();
    const created = (await hostConfigProvider.create(inputs)).outs!;
    log(`${name}: replaced`);
    return created;
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

export interface Refreshed {
  /** The deployment as the engine records it after a refresh: each host's outputs as read() returned them. */
  state: DeploymentState;
  /** What differs on each host from what was deployed (empty: converged). */
  drift: Record<string, string[]>;
}

/**
 * Reads every host, as `pulumi refresh` does: what read() returns replaces the stored outputs (a drifted host comes
 * back with a changed hash, so the next apply sees an update to make), and its drift is reported.
 */
export async function refreshCluster(previous: DeploymentState): Promise<Refreshed> {
  const state: DeploymentState = {};
  const drift: Record<string, string[]> = {};
  for (const [name, o] of Object.entries(previous)) {
    const r = await hostConfigProvider.read(name, o);
    state[name] = r.props as HostConfigOutputs;
    drift[name] = state[name].drift;
  }
  return { state, drift };
}
