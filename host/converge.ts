// Converges one host: gather facts, plan, apply in one batch, then confirm nothing is left to do.
import type { HostState } from "../core/render/host-state";
import { CommandError } from "./errors";
import { factsScript, HostFacts, parseFacts } from "./facts/host-facts";
import { planHost, Plan } from "./plan";
import type { Transport } from "./transport";

export interface ConvergeResult {
  host: string;
  changes: string[];
  /** State-changing commands executed (0 on a converged host). */
  commandsRun: number;
  facts: HostFacts;
}

export async function gatherFacts(transport: Transport, state: HostState): Promise<HostFacts> {
  const result = await transport.run(factsScript(state));
  if (result.code !== 0) throw new CommandError(transport.host, "reading host facts", result.code, result.stderr);
  return parseFacts(state, result.stdout);
}

/** The batch script: each step announces itself on stdout so a failure names the step that failed. */
export function applyScript(plan: Plan): string {
  const lines = ["set -e"];
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

export async function converge(transport: Transport, state: HostState): Promise<ConvergeResult> {
  const facts = await gatherFacts(transport, state);
  const plan = planHost(state, facts);
  if (plan.commands.length === 0) return { host: transport.host, changes: [], commandsRun: 0, facts };
  const result = await transport.run(applyScript(plan));
  if (result.code !== 0) throw new CommandError(transport.host, `step "${failedStep(result.stdout)}"`, result.code, result.stderr);
  const after = await gatherFacts(transport, state);
  const left = planHost(state, after);
  if (left.commands.length > 0)
    throw new CommandError(transport.host, "verification after apply", null, `still differs: ${left.changes.join("; ")}`);
  return { host: transport.host, changes: plan.changes, commandsRun: plan.commands.length, facts: after };
}
