// The project's iptables chain, variant by variant: whether the selected variant holds exactly the rules the state
// wants, and the commands that take the chain out of a variant (a chain left in iptables-nft after the host switched
// to iptables-legacy with update-alternatives, or the other way round, still marks packets).
import type { HostState } from "../../core/render/host-state";
import { iptablesRuleLines } from "../../core/render/fwmark";
import { NAMES } from "../../core/render/paths";
import type { HostFacts } from "../facts/host-facts";
import { IPTABLES_VARIANTS, IptablesVariant } from "../facts/iptables";
import { sh } from "../quote";
import { NOTHING, StepResult } from "./step";

/** Whether the state loads its rules with iptables (the iptables fwmark unit is one of its services). */
export function usesIptables(state: HostState): boolean {
  return state.services.some((s) => s.name === NAMES.fwmarkIptablesUnit);
}

/** The chain's rules exactly as iptables-save prints them. */
export function wantedChainRules(state: HostState): string[] {
  return state.fwmarkRules.flatMap((r) => iptablesRuleLines(r));
}

/** The selected variant lacks the chain, its single jump from PREROUTING, or any of its rules line for line. */
export function iptablesChainDrifted(state: HostState, facts: HostFacts): boolean {
  if (!usesIptables(state)) return false;
  if (facts.iptables.selected === null) return true;
  const live = facts.iptables[facts.iptables.selected];
  return !live.exists || live.jumps !== 1 || live.rules.join("\n") !== wantedChainRules(state).join("\n");
}

/** Every jump to the chain, its rules and the chain itself, through the variant's own binary. */
export function removeChainCommands(variant: IptablesVariant): string[] {
  const bin = `iptables-${variant}`;
  const chain = NAMES.iptablesChain;
  return [
    `while ${sh(bin, "-w", "5", "-t", "mangle", "-D", "PREROUTING", "-j", chain)} 2>/dev/null; do :; done`,
    `${sh(bin, "-w", "5", "-t", "mangle", "-F", chain)} 2>/dev/null || true`,
    `${sh(bin, "-w", "5", "-t", "mangle", "-X", chain)} 2>/dev/null || true`,
  ];
}

/** Variants holding the chain (or a jump to it) that the state does not load it into. */
export function staleVariants(state: HostState, facts: HostFacts): IptablesVariant[] {
  const loadedInto = usesIptables(state) ? facts.iptables.selected : null;
  return IPTABLES_VARIANTS.filter((v) => v !== loadedInto && (facts.iptables[v].exists || facts.iptables[v].jumps > 0));
}

/** After the units: the chain goes from every variant that is not the one the fwmark unit loads it into. */
export function ensureNoStaleChains(state: HostState, facts: HostFacts): StepResult {
  const stale = staleVariants(state, facts);
  if (stale.length === 0) return NOTHING;
  return { commands: stale.flatMap(removeChainCommands), changes: stale.map((v) => `remove the stale iptables chain ${NAMES.iptablesChain} from iptables-${v}`) };
}
