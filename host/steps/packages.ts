// Installs the packages the host's roles need when they are missing.
import type { HostState } from "../../core/render/host-state";
import type { HostFacts } from "../facts/host-facts";
import { sh } from "../quote";
import { NOTHING, StepResult } from "./step";

export function ensurePackages(state: HostState, facts: HostFacts): StepResult {
  const missing = state.packages.filter((p) => !facts.packages.includes(p));
  if (missing.length === 0) return NOTHING;
  const install =
    facts.os.packageManager === "dnf"
      ? sh("dnf", "install", "-y", ...missing)
      : `DEBIAN_FRONTEND=noninteractive ${sh("apt-get", "install", "-y", "-q", "--no-install-recommends", "-o", "Dpkg::Options::=--force-confold", ...missing)}`;
  return { commands: [install], changes: missing.map((p) => `install package ${p}`) };
}
