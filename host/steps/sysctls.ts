// Applies sysctls whose live value differs (they are persisted by the sysctl.d file).
import type { HostState } from "../../core/render/host-state";
import type { HostFacts } from "../facts/host-facts";
import { sh } from "../quote";
import { NOTHING, StepResult } from "./step";

const canonical = (v: string | undefined) => (v ?? "").trim().replace(/\s+/g, " ");

export function ensureSysctls(state: HostState, facts: HostFacts): StepResult {
  const differing = Object.entries(state.sysctls).filter(([k, v]) => canonical(facts.sysctls[k]) !== canonical(v));
  if (differing.length === 0) return NOTHING;
  return {
    commands: differing.map(([k, v]) => sh("sysctl", "-q", "-w", `${k}=${v}`)),
    changes: differing.map(([k, v]) => `set ${k}=${v} (was ${facts.sysctls[k] ?? "absent"})`),
  };
}
