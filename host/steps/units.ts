// Starts, restarts or reloads services so the running state matches the files: reload keepalived, never restart it.
import type { HostState } from "../../core/render/host-state";
import { NAMES } from "../../core/render/paths";
import type { HostFacts } from "../facts/host-facts";
import { sh } from "../quote";
import { changedFiles } from "./files";
import { iptablesChainDrifted } from "./iptables-chain";
import { NOTHING, StepResult } from "./step";

function wantedAddressesMissing(state: HostState, facts: HostFacts): boolean {
  return state.addresses.some((a) => a.interface === NAMES.vipDevice && !facts.vipAddresses.includes(a.address));
}

function fwmarkRulesDrifted(state: HostState, facts: HostFacts): boolean {
  return state.fwmarkRules.length > 0 && (!facts.nft?.exists || facts.nft.rules.length !== state.fwmarkRules.length);
}

export function ensureUnits(state: HostState, facts: HostFacts): StepResult {
  const changed = new Set(changedFiles(state, facts).map((f) => f.path));
  const commands: string[] = [];
  const changes: string[] = [];
  if ([...changed].some((p) => p.startsWith("/etc/systemd/system/"))) {
    commands.push(sh("systemctl", "daemon-reload"));
  }
  for (const unit of state.services) {
    const live = facts.units[unit.name];
    if (unit.enable && live?.enabled !== "enabled") {
      commands.push(sh("systemctl", "enable", "--quiet", unit.name));
      changes.push(`enable ${unit.name}`);
    }
    const active = live?.active === "active";
    const filesChanged = unit.files.some((f) => changed.has(f));
    const drifted =
      (unit.name === NAMES.vipUnit && wantedAddressesMissing(state, facts)) ||
      (unit.name === NAMES.fwmarkUnit && fwmarkRulesDrifted(state, facts)) ||
      (unit.name === NAMES.fwmarkIptablesUnit && iptablesChainDrifted(state, facts));
    if (!active) {
      commands.push(sh("systemctl", "start", unit.name));
      changes.push(`start ${unit.name}`);
    } else if (filesChanged || drifted) {
      const verb = unit.onChange === "reload" ? "reload" : "restart";
      commands.push(sh("systemctl", verb, unit.name));
      changes.push(`${verb} ${unit.name}${drifted && !filesChanged ? " (live state drifted)" : ""}`);
    }
  }
  return commands.length === 0 ? NOTHING : { commands, changes };
}
