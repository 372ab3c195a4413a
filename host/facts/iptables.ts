// The project's iptables chain as each iptables variant holds it: iptables-nft (nf_tables) and iptables-legacy
// (x_tables) keep separate rulesets, and the `iptables` alternative selects the one `iptables-restore` loads into.
// Read-only: iptables-save without -t lists the tables that exist and creates none (with -t mangle, legacy's would
// load iptable_mangle), and a variant is read only when its kernel side is there at all.
import type { Fact } from "./fact";
import { NAMES } from "../../core/render/paths";

export type IptablesVariant = "nft" | "legacy";
export const IPTABLES_VARIANTS: readonly IptablesVariant[] = ["nft", "legacy"];

export interface IptablesChain {
  /** The variant has a mangle table at all (iptables creates it with the first rule in it). */
  mangle: boolean;
  /** Rules in the mangle table that are not ours (neither in the chain nor a jump to it). */
  foreignRules: number;
  /** The chain is declared in the variant's mangle table. */
  exists: boolean;
  /** `-A PREROUTING -j <chain>` lines: exactly one when loaded by the unit. */
  jumps: number;
  /** The chain's rules, as iptables-save prints them. */
  rules: string[];
}

export interface IptablesFacts {
  /** The variant `iptables` points at, or null without iptables. */
  selected: IptablesVariant | null;
  nft: IptablesChain;
  legacy: IptablesChain;
}

const MARK = "@@iptables-variant ";

/** The mangle table's part of an iptables-save dump. */
function mangleSection(save: string): string[] | undefined {
  const lines = save.split("\n").map((l) => l.trim());
  const start = lines.indexOf("*mangle");
  if (start < 0) return undefined;
  const end = lines.indexOf("COMMIT", start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

export function parseChain(save: string, chain: string = NAMES.iptablesChain): IptablesChain {
  const section = mangleSection(save);
  const lines = section ?? [];
  const jump = `-A PREROUTING -j ${chain}`;
  return {
    mangle: section !== undefined,
    foreignRules: lines.filter((l) => l.startsWith("-A ") && l !== jump && !l.startsWith(`-A ${chain} `)).length,
    exists: lines.includes(`:${chain} - [0:0]`) || lines.some((l) => l.startsWith(`:${chain} `)),
    jumps: lines.filter((l) => l === jump).length,
    rules: lines.filter((l) => l.startsWith(`-A ${chain} `)),
  };
}

export const iptablesChains: Fact<IptablesFacts> = {
  id: "iptables",
  command: [
    `echo "${MARK}selected $(readlink -f /usr/sbin/iptables 2>/dev/null)"`,
    `echo "${MARK}nft"`,
    "if [ -d /sys/module/nf_tables ] && [ -x /usr/sbin/iptables-nft-save ]; then iptables-nft-save; fi",
    `echo "${MARK}legacy"`,
    "if [ -e /proc/net/ip_tables_names ] && [ -x /usr/sbin/iptables-legacy-save ]; then iptables-legacy-save; fi",
  ].join("; "),
  parse(stdout) {
    const parts = new Map<string, string>();
    for (const part of stdout.split(MARK).slice(1)) {
      const nl = part.indexOf("\n");
      const head = nl < 0 ? part : part.slice(0, nl);
      const [name, ...rest] = head.split(" ");
      parts.set(name, [rest.join(" "), nl < 0 ? "" : part.slice(nl + 1)].join("\n"));
    }
    const binary = parts.get("selected") ?? "";
    const selected: IptablesVariant | null = /legacy/.test(binary) ? "legacy" : /nft/.test(binary) ? "nft" : null;
    return { selected, nft: parseChain(parts.get("nft") ?? ""), legacy: parseChain(parts.get("legacy") ?? "") };
  },
};
