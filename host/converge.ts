// Converges one host in two phases. Prepare: read the facts, then run what cannot change traffic (planPrepare) in one
// batch. Commit: read the facts, then apply the rest and read the facts again in one batch, to confirm nothing is
// left to do.
import type { HostState } from "../core/render/host-state";
import { CommandError } from "./errors";
import { batchScript, splitBatch } from "./facts/fact";
import { factsScript, HostFacts, parseFacts } from "./facts/host-facts";
import { managedMarkers } from "./facts/managed-markers";
import { stagedPaths } from "./facts/files";
import { sh } from "./quote";
import { planHost, planPrepare, Plan } from "./plan";
import type { Transport } from "./transport";

export interface ConvergeResult {
  host: string;
  changes: string[];
  /** State-changing commands executed (0 on a converged host). */
  commandsRun: number;
  facts: HostFacts;
}

/** A host's facts and which managed paths already carry pulumi-lvs's marker, in one round trip. */
export interface HostReading {
  facts: HostFacts;
  markers: Record<string, boolean>;
}

export async function gatherFacts(transport: Transport, state: HostState): Promise<HostFacts> {
  const result = await transport.run(factsScript(state));
  if (result.code !== 0) throw new CommandError(transport.host, "reading host facts", result.code, result.stderr);
  return parseFacts(state, result.stdout);
}

export async function readHost(transport: Transport, state: HostState): Promise<HostReading> {
  const markers = managedMarkers(state.files.map((f) => f.path));
  const result = await transport.run(factsScript(state) + batchScript([markers]));
  if (result.code !== 0) throw new CommandError(transport.host, "reading host facts", result.code, result.stderr);
  return { facts: parseFacts(state, result.stdout), markers: markers.parse(splitBatch(result.stdout).get(markers.id) ?? "") };
}

/** The batch script: each step announces itself on stdout so a failure names the step that failed. */
export function applyScript(plan: Plan, first: string[] = []): string {
  const lines = ["set -e", ...first];
  for (const step of plan.steps) {
    if (step.result.commands.length === 0) continue;
    lines.push(`echo '@@step ${step.name}'`, ...step.result.commands);
  }
  return lines.join("\n") + "\n";
}

export function failedStep(stdout: string): string {
  const steps = [...stdout.matchAll(/^@@step (\S+)$/gm)];
  return steps.length > 0 ? steps[steps.length - 1][1] : "apply";
}

const VERIFY = "@@verify";

/** A prepare that fails part-way takes its staged copies with it: no half-staged set is left for a commit. */
function unstageOnFailure(state: HostState): string[] {
  const staged = stagedPaths(state.files.map((f) => f.path));
  if (staged.length === 0) return [];
  return [`pulumi_lvs_unstage() { rm -f ${sh(...staged)}; }`, `trap '[ "$?" -eq 0 ] || pulumi_lvs_unstage' EXIT`];
}

/** Runs the prepare phase; `facts` are the host's facts read just before (e.g. with the baseline). */
export async function prepare(transport: Transport, state: HostState, facts: HostFacts): Promise<string[]> {
  const plan = planPrepare(state, facts);
  if (plan.commands.length === 0) return [];
  const result = await transport.run(applyScript(plan, unstageOnFailure(state)));
  if (result.code !== 0) throw new CommandError(transport.host, `step "${failedStep(result.stdout)}"`, result.code, result.stderr);
  return plan.changes;
}

/**
 * Converges the host to `state`. `facts`: read just before, when the caller has them (else read here). `first`:
 * commands that must run before any change, in the same batch (backing up files that were not ours). The facts
 * that confirm the result are read at the end of that batch, not in another round trip.
 */
export async function converge(transport: Transport, state: HostState, options: { facts?: HostFacts; first?: string[] } = {}): Promise<ConvergeResult> {
  const facts = options.facts ?? (await gatherFacts(transport, state));
  const first = options.first ?? [];
  const plan = planHost(state, facts);
  if (plan.commands.length === 0 && first.length === 0) return { host: transport.host, changes: [], commandsRun: 0, facts };
  // The facts are read with `set +e`: a fact's exit status is not an error.
  const result = await transport.run(`${applyScript(plan, first)}set +e\necho '${VERIFY}'\n${factsScript(state)}`);
  if (result.code !== 0) throw new CommandError(transport.host, `step "${failedStep(result.stdout)}"`, result.code, result.stderr);
  const out = "\n" + result.stdout;
  const at = out.lastIndexOf(`\n${VERIFY}\n`);
  if (at < 0) throw new CommandError(transport.host, "verification after apply", null, "the facts after the apply were not reported");
  const after = parseFacts(state, out.slice(at + VERIFY.length + 2));
  const left = planHost(state, after);
  if (left.commands.length > 0)
    throw new CommandError(transport.host, "verification after apply", null, `still differs: ${left.changes.join("; ")}`);
  return { host: transport.host, changes: plan.changes, commandsRun: plan.commands.length, facts: after };
}
