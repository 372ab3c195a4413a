// Everything the planner needs to know about one host, gathered in a single round trip.
import type { HostState } from "../../core/render/host-state";
import { NAMES } from "../../core/render/paths";
import { batchScript, Fact, splitBatch } from "./fact";
import { osInfo, OsInfo } from "./os";
import { installedPackages } from "./packages";
import { keepalivedVersion } from "./keepalived";
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
  keepalivedVersion: string | null;
  modules: string[];
  sysctls: Record<string, string>;
  vipAddresses: string[];
  files: Record<string, FileFact>;
  units: Record<string, UnitState>;
  nft: NftTable;
  iptables: IptablesFacts;
  scriptUser: boolean;
  syncDaemons: SyncMode[];
}

export const MANAGED_PACKAGES = ["keepalived", "ipvsadm", "nftables", "iptables"];
export const MANAGED_UNITS = ["keepalived.service", NAMES.vipUnit, NAMES.fwmarkUnit, NAMES.fwmarkIptablesUnit];

export function factsFor(state: HostState, extraFiles: string[] = []): Record<keyof HostFacts, Fact<unknown>> {
  return {
    os: osInfo,
    packages: installedPackages(MANAGED_PACKAGES),
    keepalivedVersion,
    modules: loadedModules,
    sysctls: sysctlValues(Object.keys(state.sysctls)),
    vipAddresses: interfaceAddresses(NAMES.vipDevice),
    files: fileStates([...new Set([...state.files.map((f) => f.path), ...stagedPaths(state.files.map((f) => f.path)), ...extraFiles])]),
    units: unitStates(MANAGED_UNITS),
    nft: nftTable(NAMES.nftTable),
    iptables: iptablesChains,
    scriptUser: userExists(NAMES.scriptUser),
    syncDaemons: ipvsSyncDaemons,
  };
}

export function factsScript(state: HostState, extraFiles: string[] = []): string {
  return batchScript(Object.values(factsFor(state, extraFiles)));
}

export function parseFacts(state: HostState, stdout: string, extraFiles: string[] = []): HostFacts {
  const sections = splitBatch(stdout);
  const facts = factsFor(state, extraFiles);
  const out: Record<string, unknown> = {};
  for (const [key, fact] of Object.entries(facts)) {
    const section = sections.get(fact.id);
    if (section === undefined) throw new Error(`fact ${fact.id}: no output section (the facts script was cut short)`);
    out[key] = fact.parse(section);
  }
  return out as unknown as HostFacts;
}
