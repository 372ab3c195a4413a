// IPv4 addresses on one interface (`ip -o -4 addr show dev X`), as "a.b.c.d/len"; empty when it does not exist.
import type { Fact } from "./fact";
import { sh } from "../quote";

export function interfaceAddresses(device: string): Fact<string[]> {
  return {
    id: `addresses-${device}`,
    command: `ip -o -4 addr show dev ${sh(device)}`,
    parse: (stdout) => [...stdout.matchAll(/\binet (\d+\.\d+\.\d+\.\d+\/\d+)/g)].map((m) => m[1]).sort(),
  };
}
