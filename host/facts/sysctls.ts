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
        // sysctl prints keys in the dot form with "/" for a dot inside a name (net.ipv4.conf.eth0/10.arp_ignore): the
        // form the desired state uses (core/formats/sysctl.ts), so keys are kept as printed.
        const m = /^([\w.\-/@+]+)\s*=\s*(.*)$/.exec(line.trim());
        if (m) values[m[1]] = m[2].trim().replace(/\s+/g, " ");
      }
      return values;
    },
  };
}
