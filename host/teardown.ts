// Delete: remove exactly what pulumi-lvs created and restore what it replaced; packages stay.
import * as path from "node:path";
import type { HostState } from "../core/render/host-state";
import { NAMES, PATHS } from "../core/render/paths";
import type { HostFacts } from "./facts/host-facts";
import type { Baseline } from "./baseline";
import { BACKUP_SUFFIX } from "./baseline";
import { sh } from "./quote";
import type { StepResult } from "./steps/step";
import { HOST_SETTING_KEYS, HOST_SETTINGS } from "./host-settings";
import { removeChainCommands } from "./steps/iptables-chain";
import { IPTABLES_VARIANTS } from "./facts/iptables";
import { STAGED_SUFFIX } from "./facts/files";

export function planTeardown(state: HostState, facts: HostFacts, baseline: Baseline): StepResult {
  const commands: string[] = [];
  const changes: string[] = [];
  for (const unit of [NAMES.vipUnit, NAMES.fwmarkUnit, NAMES.fwmarkIptablesUnit]) {
    const live = facts.units[unit];
    if (!live?.loaded || !state.services.some((s) => s.name === unit)) continue;
    // ExecStop removes lvs0 / the nft table / the iptables chain: exactly the objects the unit created.
    commands.push(`systemctl disable --now --quiet ${sh(unit)} || true`);
    changes.push(`stop and disable ${unit}`);
  }
  // ExecStop reaches the variant `iptables` selects now; a chain the host kept in the other one (its alternative
  // switched since) goes through that variant's own binary.
  if (state.services.some((s) => s.name === NAMES.fwmarkIptablesUnit))
    for (const v of IPTABLES_VARIANTS.filter((v) => facts.iptables[v].exists || facts.iptables[v].jumps > 0)) {
      commands.push(...removeChainCommands(v));
      changes.push(`remove the iptables chain ${NAMES.iptablesChain} from iptables-${v}`);
    }
  // The mangle table iptables created for the chain goes too when nothing else is in it (iptables itself has no
  // command that deletes a table: nft does for the nft variant, unloading iptable_mangle for legacy).
  if (state.services.some((s) => s.name === NAMES.fwmarkIptablesUnit) && baseline.iptablesMangle)
    for (const v of IPTABLES_VARIANTS) {
      const live = facts.iptables[v];
      if (baseline.iptablesMangle[v] || !live.mangle || live.foreignRules > 0) continue;
      commands.push(v === "nft" ? "if command -v nft >/dev/null; then nft delete table ip mangle 2>/dev/null || true; fi" : "modprobe -r iptable_mangle 2>/dev/null || true");
      changes.push(`remove the empty mangle table of iptables-${v}`);
    }
  const ka = facts.units["keepalived.service"];
  const ownsKeepalived = state.files.some((f) => f.path === PATHS.keepalivedConf);
  if (ownsKeepalived && ka?.loaded) {
    if (!baseline.keepalivedActive && ka.active === "active") commands.push("systemctl stop keepalived");
    if (!baseline.keepalivedEnabled && ka.enabled === "enabled") commands.push("systemctl disable --quiet keepalived");
    changes.push("return keepalived to its previous state");
  }
  // keepalived does not stop the kernel's sync daemons it started; while they run, ip_vs cannot be unloaded.
  if (ownsKeepalived && !baseline.keepalivedActive)
    for (const mode of facts.syncDaemons ?? []) {
      commands.push(`${sh("ipvsadm", "--stop-daemon", mode)} || true`);
      changes.push(`stop the IPVS ${mode} sync daemon`);
    }
  const staged = state.files.map((f) => f.path + STAGED_SUFFIX).filter((p) => facts.files[p] !== undefined);
  if (staged.length > 0) {
    // Left by a prepare whose commit never came (another host's prepare failed, or the apply was cancelled).
    commands.push(sh("rm", "-f", ...staged));
    changes.push(...staged.map((p) => `remove ${p}`));
  }
  for (const f of state.files) {
    if (facts.files[f.path] === undefined && !baseline.foreignFiles.includes(f.path)) continue;
    if (baseline.foreignFiles.includes(f.path)) {
      commands.push(`if [ -e ${sh(f.path + BACKUP_SUFFIX)} ]; then mv -f ${sh(f.path + BACKUP_SUFFIX)} ${sh(f.path)}; fi`);
      changes.push(`restore ${f.path}`);
    } else {
      commands.push(sh("rm", "-f", f.path));
      changes.push(`remove ${f.path}`);
    }
  }
  // Our own directory (created by the first write of a file in it) goes once it is empty; rmdir never removes content.
  if (state.files.some((f) => f.path === PATHS.fwmarkNft || f.path === PATHS.fwmarkIptables)) commands.push(`rmdir ${sh(path.posix.dirname(PATHS.fwmarkNft))} 2>/dev/null || true`);
  if (state.files.some((f) => f.path.startsWith("/etc/systemd/system/"))) commands.push("systemctl daemon-reload");
  if (ownsKeepalived && baseline.keepalivedActive && ka?.active === "active") commands.push("systemctl reload keepalived || true");
  for (const [key, value] of Object.entries(baseline.sysctls)) {
    if (facts.sysctls[key] !== undefined && facts.sysctls[key] !== value) {
      commands.push(`${sh("sysctl", "-q", "-w", `${key}=${value}`)} || true`);
      changes.push(`restore ${key}=${value}`);
    }
  }
  const added = state.modules.filter((m) => facts.modules.includes(m) && !baseline.modules.includes(m));
  // Schedulers first, ip_vs last: modprobe -r refuses a module still in use.
  for (const m of [...added].sort((a, b) => (a === "ip_vs" ? 1 : b === "ip_vs" ? -1 : 0))) {
    commands.push(`${sh("modprobe", "-r", m)} 2>/dev/null || true`);
    changes.push(`unload module ${m}`);
  }
  // iptables only comes with the iptables backend; a host that lacked it gets it removed again. dpkg refuses while
  // another package depends on it (then it stays). Other packages stay: removing keepalived could take others' configs.
  if (baseline.packages !== undefined && state.packages.includes("iptables") && !baseline.packages.includes("iptables") && facts.packages.includes("iptables") && facts.os.packageManager === "apt") {
    commands.push(`${sh("dpkg", "-r", "iptables")} >/dev/null 2>&1 || true`);
    changes.push("remove package iptables (installed by pulumi-lvs)");
  }
  if (!baseline.scriptUser && facts.scriptUser && state.users.length > 0) {
    commands.push(`${sh("userdel", NAMES.scriptUser)} || true`);
    changes.push(`remove user ${NAMES.scriptUser}`);
  }
  return { commands, changes };
}

/** Before the first write: keep a copy of any managed path that holds somebody else's file. */
export function backupForeignFiles(baseline: Baseline): string[] {
  return baseline.foreignFiles.map((p) => `[ -e ${sh(p + BACKUP_SUFFIX)} ] || cp -a ${sh(p)} ${sh(p + BACKUP_SUFFIX)}`);
}

/**
 * What `old` manages and `next` no longer does (files, units, sysctls, modules, the script user): the part of a host
 * an update must take down, field by field as HOST_SETTINGS says. planTeardown over it returns those objects to the
 * baseline and leaves the rest.
 */
export function removedState(old: HostState, next: HostState): HostState {
  const out: Partial<Record<keyof HostState, unknown>> = {};
  for (const k of HOST_SETTING_KEYS) out[k] = (HOST_SETTINGS[k].removed as (o: unknown, n: unknown) => unknown)(old[k], next[k]);
  return out as HostState;
}

/**
 * Undoes a prepare whose host never got its commit (another host's prepare failed, or the stack is destroyed
 * before a retry): staged copies removed, and the modules, script user and iptables package it added taken back to
 * the baseline it recorded; keepalived, enabled by its package's install, disabled again if it was not before.
 * After a commit's own teardown there is nothing left for it to do.
 */
export function planPrepareTeardown(state: HostState, facts: HostFacts, baseline: Baseline): StepResult {
  const prepared: HostState = { ...state, files: [], services: [], sysctls: {}, addresses: [], fwmarkRules: [] };
  // Sysctls and files are the commit's: restoring them here would undo the commit's own teardown when the baseline
  // recorded here is younger than the commit's (a HostPrepare added to a stack deployed by an earlier release).
  const own = planTeardown(prepared, facts, { ...baseline, sysctls: {}, foreignFiles: [] });
  const staged = state.files.map((f) => f.path + STAGED_SUFFIX).filter((p) => facts.files[p] !== undefined);
  const commands = staged.length > 0 ? [sh("rm", "-f", ...staged)] : [];
  const changes = staged.map((p) => `remove ${p}`);
  const ka = facts.units["keepalived.service"];
  if (state.packages.includes("keepalived") && !baseline.keepalivedEnabled && ka?.enabled === "enabled") {
    commands.push("systemctl disable --quiet keepalived || true");
    changes.push("return keepalived to its previous state");
  }
  return { commands: [...commands, ...own.commands], changes: [...changes, ...own.changes] };
}
