// Current values of the given sysctl keys; keys the kernel does not have (yet) are absent.
import type { Fact } from "./fact";
import { sh } from "../quote";

export function sysctlValues(keys: string[]): Fact<Record<string, string>> {
  return {
    id: "sysctls",
    command: keys.length === 0 ? "true" : `sysctl -e ${sh(...keys)}`,
    parse(stdout) {
      const values: Record<string, string> = {};
      for (const line of stdout.split("\n")) {
        const m = /^([\w.\-/]+)\s*=\s*(.*)$/.exec(line.trim());
        if (m) values[m[1].replace(/\//g, ".")] = m[2].trim().replace(/\s+/g, " ");
      }
      return values;
    },
  };
}
