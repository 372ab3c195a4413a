// What a host looked like before pulumi-lvs touched it, recorded at create so delete can put it back.
import type { HostState } from "../core/render/host-state";
import { NAMES, PATHS } from "../core/render/paths";
import type { HostFacts } from "./facts/host-facts";

export interface Baseline {
  /** Sysctl values before create (keys the kernel lacked are absent). */
  sysctls: Record<string, string>;
  modules: string[];
  /** Managed paths that already existed and were not ours (backed up beside themselves). */
  foreignFiles: string[];
  keepalivedActive: boolean;
  keepalivedEnabled: boolean;
  scriptUser: boolean;
  /** Managed packages installed before (absent in baselines recorded before it was kept). */
  packages?: string[];
  /** Which iptables variants had a mangle table before (absent in baselines recorded before it was kept). */
  iptablesMangle?: { nft: boolean; legacy: boolean };
}

export const BACKUP_SUFFIX = ".pulumi-lvs-orig";

export function baselineFrom(state: HostState, facts: HostFacts, managedMarkers: Record<string, boolean>): Baseline {
  const ka = facts.units["keepalived.service"];
  return {
    sysctls: Object.fromEntries(Object.keys(state.sysctls).filter((k) => k in facts.sysctls).map((k) => [k, facts.sysctls[k]])),
    modules: facts.modules,
    foreignFiles: state.files.map((f) => f.path).filter((p) => facts.files[p] !== undefined && !managedMarkers[p]),
    keepalivedActive: ka?.active === "active",
    keepalivedEnabled: ka?.enabled === "enabled",
    scriptUser: facts.scriptUser,
    packages: facts.packages,
    iptablesMangle: { nft: facts.iptables.nft.mangle, legacy: facts.iptables.legacy.mangle },
  };
}

/**
 * An update can manage more than create did (a new sysctl, module, file, keepalived itself): record the pre-update
 * values of what is newly managed, from facts read before the update converges. What was already managed keeps
 * the values recorded when pulumi-lvs first touched it.
 */
export function extendBaseline(baseline: Baseline, old: HostState, next: HostState, facts: HostFacts, managedMarkers: Record<string, boolean>): Baseline {
  return extendBaselineFrom(baseline, old, next, baselineFrom(next, facts, managedMarkers));
}

/** extendBaseline with the pre-update values already recorded as a baseline of `next` (`fresh`). */
export function extendBaselineFrom(baseline: Baseline, old: HostState, next: HostState, fresh: Baseline): Baseline {
  const ownedKeepalived = old.files.some((f) => f.path === PATHS.keepalivedConf);
  return {
    sysctls: { ...Object.fromEntries(Object.entries(fresh.sysctls).filter(([k]) => !(k in old.sysctls))), ...baseline.sysctls },
    modules: [...new Set([...baseline.modules, ...next.modules.filter((m) => !old.modules.includes(m) && fresh.modules.includes(m))])],
    foreignFiles: [...baseline.foreignFiles, ...fresh.foreignFiles.filter((p) => !baseline.foreignFiles.includes(p) && !old.files.some((f) => f.path === p))],
    keepalivedActive: ownedKeepalived ? baseline.keepalivedActive : fresh.keepalivedActive,
    keepalivedEnabled: ownedKeepalived ? baseline.keepalivedEnabled : fresh.keepalivedEnabled,
    scriptUser: old.users.length > 0 ? baseline.scriptUser : fresh.scriptUser,
    // A package newly needed counts as installed before when it was there before this update.
    // Recorded when the iptables chain is first managed, from the facts read before it was loaded.
    iptablesMangle: old.services.some((s) => s.name === NAMES.fwmarkIptablesUnit) ? baseline.iptablesMangle : fresh.iptablesMangle,
    packages: baseline.packages === undefined ? undefined : [...new Set([...baseline.packages, ...(fresh.packages ?? []).filter((p) => !old.packages.includes(p))])],
  };
}
