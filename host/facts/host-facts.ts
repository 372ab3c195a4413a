// Everything the planner needs to know about one host, gathered in a single round trip.
import type { HostState } from "../../core/render/host-state";
import { NAMES, PATHS } from "../../core/render/paths";
import { batchScript, Fact, splitBatch } from "./fact";
import { osInfo, OsInfo } from "./os";
import { installedPackages } from "./packages";
import { loadedModules } from "./modules";
import { sysctlValues } from "./sysctls";
import { interfaceAddresses } from "./addresses";
import { fileStates, FileFact, stagedPaths } from "./files";
import { unitStates, UnitState } from "./units";
import { nftTable, NftTable } from "./nft";
import { iptablesChains, IptablesFacts } from "./iptables";
import { userExists } from "./network";
import { ipvsSyncDaemons, SyncMode } from "./ipvs-sync";

export interface HostFacts {
  os: OsInfo;
  packages: string[];
  modules: string[];
  sysctls: Record<string, string>;
  vipAddresses: string[];
  files: Record<string, FileFact>;
  units: Record<string, UnitState>;
  /** Read only when the state has fwmark rules (nothing else looks at it). */
  nft?: NftTable;
  iptables: IptablesFacts;
  scriptUser: boolean;
  /** Read only on a director or a host whose keepalived.conf is managed. */
  syncDaemons?: SyncMode[];
}

export const MANAGED_PACKAGES = ["keepalived", "ipvsadm", "nftables", "iptables"];
export const MANAGED_UNITS = ["keepalived.service", NAMES.vipUnit, NAMES.fwmarkUnit, NAMES.fwmarkIptablesUnit];

/** The facts a state's steps and teardown read: none is gathered that nothing reads. */
export function factsFor(state: HostState, extraFiles: string[] = []): Partial<Record<keyof HostFacts, Fact<unknown>>> {
  const keepalived = state.roles.includes("director") || state.files.some((f) => f.path === PATHS.keepalivedConf);
  return {
    os: osInfo,
    packages: installedPackages(MANAGED_PACKAGES),
    modules: loadedModules,
    sysctls: sysctlValues(Object.keys(state.sysctls)),
    vipAddresses: interfaceAddresses(NAMES.vipDevice),
    files: fileStates([...new Set([...state.files.map((f) => f.path), ...stagedPaths(state.files.map((f) => f.path)), ...extraFiles])]),
    units: unitStates(MANAGED_UNITS),
    ...(state.fwmarkRules.length > 0 ? { nft: nftTable(NAMES.nftTable) } : {}),
    iptables: iptablesChains,
    scriptUser: userExists(NAMES.scriptUser),
    ...(keepalived ? { syncDaemons: ipvsSyncDaemons } : {}),
  };
}

export function factsScript(state: HostState, extraFiles: string[] = []): string {
  return batchScript(Object.values(factsFor(state, extraFiles)).filter((f): f is Fact<unknown> => f !== undefined));
}

export function parseFacts(state: HostState, stdout: string, extraFiles: string[] = []): HostFacts {
  const sections = splitBatch(stdout);
  const facts = factsFor(state, extraFiles);
  const out: Record<string, unknown> = {};
  for (const [key, fact] of Object.entries(facts)) {
    if (!fact) continue;
    const section = sections.get(fact.id);
    if (section === undefined) throw new Error(`fact ${fact.id}: no output section (the facts script was cut short)`);
    out[key] = fact.parse(section);
  }
  return out as unknown as HostFacts;
}
