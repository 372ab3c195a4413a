// Builds the desired state and host facts a step fixture names: an example host, an inline config, or a literal
// HostState; facts as recorded JSON, optionally over a "converged" or "fresh" base derived from the state.
import * as fs from "node:fs";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { parseStackFile } from "../../../core/config/stack-file";
import { renderFromConfig, HostState } from "../../../core";
import type { HostFacts } from "../../../host/facts/host-facts";
import { STAGED_SUFFIX, type FileFact } from "../../../host/facts/files";
import type { UnitState } from "../../../host/facts/units";
import { root } from "./fixtures";
import { usesIptables, wantedChainRules } from "../../../host/steps/iptables-chain";
import type { IptablesChain, IptablesFacts } from "../../../host/facts/iptables";

export type StateSpec =
  | HostState
  | { example: string; host: string; secrets?: Record<string, string> }
  | { config: unknown; host: string; secrets?: Record<string, string> };

export function stateOf(spec: StateSpec): HostState {
  if ("files" in spec) return spec;
  const raw = "example" in spec ? parseStackFile(fs.readFileSync(path.join(root, "examples", `Pulumi.${spec.example}.yaml`), "utf8")).cluster : spec.config;
  const host = renderFromConfig(raw, { secrets: spec.secrets }).hosts.find((h) => h.host === spec.host);
  if (!host) throw new Error(`no host ${spec.host} in the fixture's config`);
  return host;
}

/** A file entry is a recorded FileFact, "desired" (what converge writes), {desired: true, ...override}, or null (absent). */
type FileSpec = FileFact | "desired" | (Partial<FileFact> & { desired: true }) | null;

export interface FactsSpec extends Partial<Omit<HostFacts, "files" | "units">> {
  base?: "converged" | "fresh";
  files?: Record<string, FileSpec>;
  units?: Record<string, UnitState | null>;
}

const NO_CHAIN: IptablesChain = { mangle: false, foreignRules: 0, exists: false, jumps: 0, rules: [] };

/** Debian's default iptables (the nft variant), holding the chain exactly as loaded when the state uses iptables. */
function convergedIptables(state: HostState): IptablesFacts {
  const loaded = usesIptables(state) ? { mangle: true, foreignRules: 0, exists: true, jumps: 1, rules: wantedChainRules(state) } : NO_CHAIN;
  return { selected: "nft", nft: loaded, legacy: { ...NO_CHAIN } };
}

const DEBIAN = { id: "debian", versionId: "12", family: "debian", packageManager: "apt" } as const;

/** A managed path's desired FileFact; for `<path>.pulumi-lvs-staged`, the staged copy of what the path should hold. */
function desiredFile(state: HostState, p: string): FileFact {
  const f = state.files.find((x) => x.path === p || x.path + STAGED_SUFFIX === p);
  if (!f) throw new Error(`fixture names ${p}, which the state does not manage`);
  return { sha256: createHash("sha256").update(f.content, "utf8").digest("hex"), mode: f.mode, owner: f.owner, group: f.group };
}

function baseFacts(state: HostState, base: "converged" | "fresh" | undefined): HostFacts {
  if (base === "converged")
    return {
      os: { ...DEBIAN },
      packages: [...state.packages],
      modules: [...state.modules],
      sysctls: { ...state.sysctls },
      vipAddresses: state.addresses.filter((a) => a.interface === "lvs0").map((a) => a.address),
      files: Object.fromEntries(state.files.map((f) => [f.path, desiredFile(state, f.path)])),
      units: Object.fromEntries(state.services.map((s) => [s.name, { active: "active", enabled: "enabled", mainPid: 0, loaded: true }])),
      nft: { exists: state.fwmarkRules.length > 0, rules: state.fwmarkRules.map((r) => `meta mark set ${r.fwmark}`) },
      iptables: convergedIptables(state),
      scriptUser: state.users.length > 0,
      syncDaemons: [],
    };
  return { os: { ...DEBIAN }, packages: [], modules: [], sysctls: {}, vipAddresses: [], files: {}, units: {}, nft: { exists: false, rules: [] }, iptables: { selected: "nft", nft: { ...NO_CHAIN }, legacy: { ...NO_CHAIN } }, scriptUser: false, syncDaemons: [] };
}

export function factsOf(state: HostState, spec: FactsSpec): HostFacts {
  const { base, files, units, ...rest } = spec;
  const facts: HostFacts = { ...baseFacts(state, base), ...(rest as Partial<HostFacts>) };
  for (const [p, v] of Object.entries(files ?? {})) {
    if (v === null) delete facts.files[p];
    else if (v === "desired") facts.files[p] = desiredFile(state, p);
    else if ("desired" in v) {
      const { desired: _d, ...override } = v;
      facts.files[p] = { ...desiredFile(state, p), ...override };
    } else facts.files[p] = v;
  }
  for (const [u, v] of Object.entries(units ?? {})) {
    if (v === null) delete facts.units[u];
    else facts.units[u] = v;
  }
  return facts;
}

/**
 * Expected commands may name rendered content instead of spelling out its base64:
 * `<base64:PATH>` is the desired content of PATH; `<base64-check:P1,P2>` the desired keepalived.conf with the
 * listed include paths pointing at their staged (.pulumi-lvs-new) copies (`<base64-check:>`: unchanged);
 * `<base64-staged-check:…>` the same with the prepare phase's .pulumi-lvs-staged copies.
 */
export function expandCommand(state: HostState, command: string): string {
  const content = (p: string) => {
    const f = state.files.find((x) => x.path === p);
    if (!f) throw new Error(`placeholder names ${p}, which the state does not manage`);
    return f.content;
  };
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
  return command
    .replace(/<base64:([^>]+)>/g, (_, p: string) => b64(content(p)))
    .replace(/<base64-(check|staged-check):([^>]*)>/g, (_, kind: string, list: string) => {
      let conf = content("/etc/keepalived/keepalived.conf");
      for (const p of list.split(",").filter(Boolean)) {
        assert(conf.includes(p), `keepalived.conf does not include ${p}`);
        conf = conf.split(p).join(`${p}${kind === "check" ? ".pulumi-lvs-new" : STAGED_SUFFIX}`);
      }
      return b64(conf);
    });
}

function assert(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}
