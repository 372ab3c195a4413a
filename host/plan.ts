// The converge plan of one host: steps in dependency order, each emitting only what differs.
import type { HostState } from "../core/render/host-state";
import type { HostFacts } from "./facts/host-facts";
import { ensurePackages } from "./steps/packages";
import { ensureUsers } from "./steps/users";
import { ensureFiles, stageFiles } from "./steps/files";
import { ensureModules } from "./steps/modules";
import { ensureSysctls } from "./steps/sysctls";
import { ensureUnits } from "./steps/units";
import { ensureSyncDaemons } from "./steps/sync-daemons";
import { ensureNoStaleChains } from "./steps/iptables-chain";
import { StepResult } from "./steps/step";

export interface Plan extends StepResult {
  steps: { name: string; result: StepResult }[];
}

/**
 * Packages before the files keepalived validates; modules before the net.ipv4.vs.* sysctls they create; stale sync
 * daemons stopped after keepalived has its new config; an iptables chain left in the other iptables variant goes once
 * the fwmark unit has loaded the rules where they belong.
 */
export function planHost(state: HostState, facts: HostFacts): Plan {
  return planOf([
    { name: "packages", result: ensurePackages(state, facts) },
    { name: "users", result: ensureUsers(state, facts) },
    { name: "files", result: ensureFiles(state, facts) },
    { name: "modules", result: ensureModules(state, facts) },
    { name: "sysctls", result: ensureSysctls(state, facts) },
    { name: "units", result: ensureUnits(state, facts) },
    { name: "iptables-chains", result: ensureNoStaleChains(state, facts) },
    { name: "sync-daemons", result: ensureSyncDaemons(state, facts) },
  ]);
}

/**
 * The prepare phase: what cannot change traffic, run on every host at once before any commit — packages, the script
 * user, kernel modules, and every changed file staged beside its target and validated there. The commit (planHost)
 * then finds these done and the files staged, so it only moves files, sets sysctls and reloads.
 */
export function planPrepare(state: HostState, facts: HostFacts): Plan {
  return planOf([
    { name: "packages", result: ensurePackages(state, facts) },
    { name: "users", result: ensureUsers(state, facts) },
    { name: "modules", result: ensureModules(state, facts) },
    { name: "stage-files", result: stageFiles(state, facts) },
  ]);
}

function planOf(steps: { name: string; result: StepResult }[]): Plan {
  return {
    steps,
    commands: steps.flatMap((s) => s.result.commands),
    changes: steps.flatMap((s) => s.result.changes),
  };
}
