// One host's deployment, from first apply to delete: the orchestration the HostConfig provider and the direct
// driver run. Create records what the host looked like (the baseline) and backs up files that were not ours; update
// drains removed members, records what it newly manages, converges, and takes down what it no longer manages; drift
// says what differs on the host now; remove puts the host back to its baseline.
import { desiredOf, HostDesired, joinFiles } from "../core/plan/desired";
import { DeployedMembers, drainingState } from "../core/plan/drain";
import type { TargetInputs } from "../core/plan/target";
import type { HostState } from "../core/render/host-state";
import { Baseline, baselineFrom, extendBaselineFrom } from "./baseline";
import { converge, gatherFacts, prepare as prepareHost, readHost } from "./converge";
import { CommandError } from "./errors";
import type { HostFacts } from "./facts/host-facts";
import { canonical, sameHostState } from "./host-settings";
import { planHost } from "./plan";
import { backupForeignFiles, planPrepareTeardown, planTeardown, removedState } from "./teardown";
import { inPhase } from "./trace";
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

/**
 * What a host's prepare phase did (the HostPrepare resource's outputs): for which desired state, and the host's
 * baseline as it was before pulumi-lvs first changed anything the state manages — the prepare runs first, so the
 * commit takes its baseline from here rather than from a host the prepare has already changed.
 */
export interface Prepared {
  hash: string;
  baseline: Baseline;
  lastChanges: string[];
}

const PREPARED_PREFIX = "prepared/1 ";

/**
 * `Prepared` as the commit's input carries it: one line of text, so that a `preview --diff` shows it as one line (its
 * new value is unknown while the prepare is to run) and not the whole baseline next to the host's real changes. The
 * prefix keeps it from being valid JSON, which the engine's display would unfold into an object again.
 */
export function preparedText(prepared: Prepared): string {
  return PREPARED_PREFIX + JSON.stringify({ hash: prepared.hash, baseline: prepared.baseline });
}

/** The prepare's record from its text; anything unreadable counts as no record (the commit reads the host itself). */
export function preparedFrom(text: string | undefined): Prepared | undefined {
  if (!text?.startsWith(PREPARED_PREFIX)) return undefined;
  try {
    const v = JSON.parse(text.slice(PREPARED_PREFIX.length)) as Partial<Prepared>;
    return typeof v.hash === "string" && v.baseline && typeof v.baseline === "object" ? { hash: v.hash, baseline: v.baseline, lastChanges: [] } : undefined;
  } catch {
    return undefined;
  }
}

/** What a prepare starts from: the state it prepared last time (or that was deployed) and its baseline. */
export interface PreparedBefore {
  state: HostState;
  baseline: Baseline;
}

export interface HostOrchestrator {
  /**
   * The prepare phase (host/plan.ts planPrepare): packages, users, modules, files staged and validated; nothing that
   * changes traffic. Safe to run on every host at once.
   */
  prepare(next: HostDeployment, before?: PreparedBefore): Promise<Prepared>;
  /** Undoes a prepare whose commit never came (see planPrepareTeardown). */
  unprepare(prepared: HostDeployment & Prepared): Promise<void>;
  /** Converges the host to `next`: a create without `previous`, else an update from it. */
  apply(next: HostDeployment, previous?: Previous, prepared?: Prepared): Promise<DeployedHost>;
  /** What differs on the host from what was deployed; empty when it is converged. */
  drift(deployed: DeployedHost): Promise<string[]>;
  /** Removes what the deployment manages and restores what it replaced. */
  remove(deployed: DeployedHost): Promise<void>;
}

export type Connect = (host: string, target: TargetInputs) => Promise<Transport>;

async function run(transport: Transport, host: string, what: string, commands: string[]): Promise<void> {
  if (commands.length === 0) return;
  const r = await transport.run(commands.join("\n") + "\n");
  if (r.code !== 0) throw new CommandError(host, what, r.code, r.stderr);
}

/** Nothing an update's teardown would look at: no need to read the host for it. */
function nothingRemoved(s: HostState): boolean {
  return [s.files, s.services, s.modules, s.users, s.packages, s.addresses, s.fwmarkRules].every((l) => (l?.length ?? 0) === 0) && Object.keys(s.sysctls ?? {}).length === 0;
}

/** The prepare's baseline, when it was recorded for exactly this deployment. */
const preparedFor = (next: HostDeployment, prepared?: Prepared): Baseline | undefined => (prepared && prepared.hash === next.hash ? prepared.baseline : undefined);

export function hostOrchestrator(connect: Connect, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): HostOrchestrator {
  async function create(next: HostDeployment, prepared?: Prepared): Promise<DeployedHost> {
    const state = joinFiles(next);
    const transport = await connect(next.host, next.target);
    const reading = await readHost(transport, state);
    const baseline = preparedFor(next, prepared) ?? baselineFrom(state, reading.facts, reading.markers);
    const result = await converge(transport, state, { facts: reading.facts, first: backupForeignFiles(baseline) });
    return { ...next, baseline, lastChanges: result.changes, drift: [] };
  }

  async function update(next: HostDeployment, previous: Previous, prepared?: Prepared): Promise<DeployedHost> {
    const old = previous.deployed;
    const transport = await connect(next.host, next.target);
    const [oldState, newState] = [joinFiles(old), joinFiles(next)];
    // What the update newly manages gets its pre-update values recorded (before anything is written); what it stops
    // managing goes back to them.
    const reading = await readHost(transport, newState);
    const fresh = preparedFor(next, prepared) ?? baselineFrom(newState, reading.facts, reading.markers);
    const baseline = extendBaselineFrom(old.baseline, oldState, newState, fresh);
    const backups = backupForeignFiles(baseline).filter((_, i) => !old.baseline.foreignFiles.includes(baseline.foreignFiles[i]));
    const changes: string[] = [];
    const draining = drainingState(newState, previous.members);
    let facts: HostFacts | undefined = reading.facts;
    if (draining) {
      changes.push(...(await converge(transport, draining, { first: backups })).changes.map((c) => `drain: ${c}`));
      await sleep(next.drainSeconds * 1000);
      facts = undefined;
    }
    const result = await converge(transport, newState, { facts, first: draining ? [] : backups });
    const removed = removedState(oldState, newState);
    const down = nothingRemoved(removed) ? { commands: [], changes: [] } : planTeardown(removed, await gatherFacts(transport, removed), baseline);
    await run(transport, next.host, "removing what the update no longer manages", down.commands);
    return { ...next, baseline, lastChanges: [...changes, ...result.changes, ...down.changes], drift: [] };
  }

  /** One connection to the host, the facts of what `d` manages read in one batch, handed on with the state. */
  const withFacts = <T>(
    d: Parameters<typeof joinFiles>[0] & Pick<HostDeployment, "host" | "target">,
    phase: Parameters<typeof inPhase>[1],
    use: (state: HostState, facts: Awaited<ReturnType<typeof gatherFacts>>, transport: Transport) => Promise<T>,
  ): Promise<T> =>
    inPhase(d.host, phase, async () => {
      const state = joinFiles(d);
      const transport = await connect(d.host, d.target);
      return use(state, await gatherFacts(transport, state), transport);
    });

  return {
    async prepare(next, before) {
      const state = joinFiles(next);
      return inPhase(next.host, "prepare", async () => {
        const transport = await connect(next.host, next.target);
        const reading = await readHost(transport, state);
        const fresh = baselineFrom(state, reading.facts, reading.markers);
        const baseline = before ? extendBaselineFrom(before.baseline, before.state, state, fresh) : fresh;
        return { hash: next.hash, baseline, lastChanges: await prepareHost(transport, state, reading.facts) };
      });
    },
    unprepare: (prepared) =>
      withFacts(prepared, "teardown", (state, facts, transport) =>
        run(transport, prepared.host, "undoing the prepare", planPrepareTeardown(state, facts, prepared.baseline).commands),
      ),
    apply: (next, previous, prepared) => inPhase(next.host, "commit", () => (previous ? update(next, previous, prepared) : create(next, prepared))),
    drift: (deployed) => withFacts(deployed, "read", async (state, facts) => planHost(state, facts).changes),
    remove: (deployed) =>
      withFacts(deployed, "teardown", (state, facts, transport) => run(transport, deployed.host, "teardown", planTeardown(state, facts, deployed.baseline).commands)),
  };
}
