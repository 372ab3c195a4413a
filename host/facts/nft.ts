// Whether the project's nft table exists, and its rules' canonical text lines.
import type { Fact } from "./fact";
import { sh } from "../quote";

export interface NftTable {
  exists: boolean;
  rules: string[];
}

export function nftTable(table: string): Fact<NftTable> {
  return {
    id: "nft",
    command: `nft list table ip ${sh(table)}`,
    parse(stdout) {
      const exists = new RegExp(`^table ip ${table} \\{`, "m").test(stdout);
      const rules = stdout
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => /meta mark set/.test(l));
      return { exists, rules };
    },
  };
}
