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

export interface DeviceAddress {
  device: string;
  /** "a.b.c.d", without the prefix length. */
  address: string;
}

/** Every IPv4 address on the host with its device (`ip -o -4 addr show`). */
export const allAddresses: Fact<DeviceAddress[]> = {
  id: "addresses-all",
  command: "ip -o -4 addr show",
  parse: (stdout) => [...stdout.matchAll(/^\d+:\s+(\S+)\s+inet (\d+\.\d+\.\d+\.\d+)\/\d+/gm)].map((m) => ({ device: m[1], address: m[2] })),
};
