// One host's deployment, from first apply to delete: the orchestration the HostConfig provider and the direct
// driver run. Create records what the host looked like (the baseline) and backs up files that were not ours; update
// drains removed members, records what it newly manages, converges, and takes down what it no longer manages; drift
// says what differs on the host now; remove puts the host back to its baseline.
import { desiredOf, HostDesired, joinFiles } from "../core/plan/desired";
import { DeployedMembers, drainingState } from "../core/plan/drain";
import type { TargetInputs } from "../core/plan/target";
import type { HostState } from "../core/render/host-state";
import { Baseline, baselineFrom, extendBaseline } from "./baseline";
import { converge, gatherFacts } from "./converge";
import { CommandError } from "./errors";
import { batchScript, Fact, splitBatch } from "./facts/fact";
import { managedMarkers } from "./facts/managed-markers";
import { canonical, sameHostState } from "./host-settings";
import { planHost } from "./plan";
import { backupForeignFiles, planTeardown, removedState } from "./teardown";
import type { Transport } from "./transport";

/** Bump when create/read/delete behaviour changes: refresh and destroy run the provider code stored in state. */
export const PROVIDER_VERSION = "1";

/** What one host is to be (the HostConfig resource's inputs). */
export interface HostDeployment extends HostDesired {
  /** Seconds removed real servers stay at weight 0 before they go. */
  drainSeconds: number;
  providerVersion: string;
}

/** What one host was deployed as (the HostConfig resource's outputs). */
export interface DeployedHost extends HostDeployment {
  baseline: Baseline;
  lastChanges: string[];
  drift: string[];
}

/** A deployed host an update starts from, with the members its directors ran (for draining). */
export interface Previous {
  deployed: DeployedHost;
  members: DeployedMembers;
}

export function deploymentOf(desired: HostDesired, drainSeconds = 5): HostDeployment {
  return { ...desired, drainSeconds, providerVersion: PROVIDER_VERSION };
}

/** A host's deployment from its full desired state. */
export function deploymentFor(state: HostState, target: TargetInputs, drainSeconds = 5): HostDeployment {
  return deploymentOf(desiredOf(state, target), drainSeconds);
}

/** Whether `next` asks nothing of the host that `deployed` did not: connection details alone never count. */
export function sameDeployment(deployed: HostDeployment, next: HostDeployment): boolean {
  return (
    deployed.hash === next.hash &&
    sameHostState(deployed.state, next.state) &&
    canonical(deployed.secretFiles) === canonical(next.secretFiles) &&
    deployed.providerVersion === next.providerVersion
  );
}

/** A new name or address is another host: the deployment is replaced, not updated. */
export function replacedBy(deployed: Pick<HostDeployment, "host" | "target">, next: { host?: string; target?: { address?: string } }): string[] {
  const keys: string[] = [];
  if (deployed.host !== next.host) keys.push("host");
  if (deployed.target.address !== next.target?.address) keys.push("target");
  return keys;
}

export interface HostOrchestrator {
  /** Converges the host to `next`: a create without `previous`, else an update from it. */
  apply(next: HostDeployment, previous?: Previous): Promise<DeployedHost>;
  /** What differs on the host from what was deployed; empty when it is converged. */
  drift(deployed: DeployedHost): Promise<string[]>;
  /** Removes what the deployment manages and restores what it replaced. */
  remove(deployed: DeployedHost): Promise<void>;
}

export type Connect = (host: string, target: TargetInputs) => Promise<Transport>;

async function readFact<T>(transport: Transport, fact: Fact<T>): Promise<T> {
  const r = await transport.run(batchScript([fact]));
  return fact.parse(splitBatch(r.stdout).get(fact.id) ?? "");
}

async function run(transport: Transport, host: string, what: string, commands: string[]): Promise<void> {
  if (commands.length === 0) return;
  const r = await transport.run(commands.join("\n") + "\n");
  if (r.code !== 0) throw new CommandError(host, what, r.code, r.stderr);
}

const markersOf = (transport: Transport, state: HostState) => readFact(transport, managedMarkers(state.files.map((f) => f.path)));

export function hostOrchestrator(connect: Connect, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): HostOrchestrator {
  async function create(next: HostDeployment): Promise<DeployedHost> {
    const state = joinFiles(next);
    const transport = await connect(next.host, next.target);
    const baseline = baselineFrom(state, await gatherFacts(transport, state), await markersOf(transport, state));
    const backups = backupForeignFiles(baseline);
    if (backups.length > 0) await run(transport, next.host, "backing up existing files", ["set -e", ...backups]);
    const result = await converge(transport, state);
    return { ...next, baseline, lastChanges: result.changes, drift: [] };
  }

  async function update(next: HostDeployment, previous: Previous): Promise<DeployedHost> {
    const old = previous.deployed;
    const transport = await connect(next.host, next.target);
    const [oldState, newState] = [joinFiles(old), joinFiles(next)];
    // What the update newly manages gets its pre-update values recorded (before anything is written); what it stops
    // managing goes back to them.
    const baseline = extendBaseline(old.baseline, oldState, newState, await gatherFacts(transport, newState), await markersOf(transport, newState));
    const backups = backupForeignFiles(baseline).filter((_, i) => !old.baseline.foreignFiles.includes(baseline.foreignFiles[i]));
    if (backups.length > 0) await run(transport, next.host, "backing up existing files", ["set -e", ...backups]);
    const changes: string[] = [];
    const draining = drainingState(newState, previous.members);
    if (draining) {
      changes.push(...(await converge(transport, draining)).changes.map((c) => `drain: ${c}`));
      await sleep(next.drainSeconds * 1000);
    }
    const result = await converge(transport, newState);
    const removed = removedState(oldState, newState);
    const down = planTeardown(removed, await gatherFacts(transport, removed), baseline);
    await run(transport, next.host, "removing what the update no longer manages", down.commands);
    return { ...next, baseline, lastChanges: [...changes, ...result.changes, ...down.changes], drift: [] };
  }

  return {
    apply: (next, previous) => (previous ? update(next, previous) : create(next)),
    async drift(deployed) {
      const state = joinFiles(deployed);
      const transport = await connect(deployed.host, deployed.target);
      return planHost(state, await gatherFacts(transport, state)).changes;
    },
    async remove(deployed) {
      const state = joinFiles(deployed);
      const transport = await connect(deployed.host, deployed.target);
      const plan = planTeardown(state, await gatherFacts(transport, state), deployed.baseline);
      await run(transport, deployed.host, "teardown", plan.commands);
    },
  };
}
