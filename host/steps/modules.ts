// Loads kernel modules that are persisted in modules-load.d but not loaded yet.
import type { HostState } from "../../core/render/host-state";
import type { HostFacts } from "../facts/host-facts";
import { sh } from "../quote";
import { NOTHING, StepResult } from "./step";

export function ensureModules(state: HostState, facts: HostFacts): StepResult {
  const missing = state.modules.filter((m) => !facts.modules.includes(m));
  if (missing.length === 0) return NOTHING;
  return { commands: missing.map((m) => sh("modprobe", m)), changes: missing.map((m) => `load module ${m}`) };
}
