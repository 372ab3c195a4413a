// Global-scope addresses on one interface (`ip -o addr show dev X scope global`): IPv4 as "a.b.c.d/len", IPv6 as
// "fd77::100/128" in the canonical form `ip` prints (the one the model uses); empty when the device does not exist.
// Link-local IPv6 addresses (every up interface has one) are not ours and are left out by the scope.
import type { Fact } from "./fact";
import { sh } from "../quote";

const V4 = String.raw`\d+\.\d+\.\d+\.\d+`;
const V6 = String.raw`[0-9a-f:]*:[0-9a-f:.]*`;

/** The lines of global addresses only, should the output carry others (as it does without `scope global`). */
const globalLines = (stdout: string) => stdout.split("\n").filter((l) => !/ scope (link|host) /.test(l)).join("\n");

export function interfaceAddresses(device: string): Fact<string[]> {
  return {
    id: `addresses-${device}`,
    command: `ip -o addr show dev ${sh(device)} scope global`,
    parse: (stdout) => [...globalLines(stdout).matchAll(new RegExp(String.raw`\binet6? (${V4}\/\d+|${V6}\/\d+)`, "g"))].map((m) => m[1]).sort(),
  };
}

export interface DeviceAddress {
  device: string;
  /** "a.b.c.d", without the prefix length. */
  address: string;
}

/** Every global-scope address on the host, both families, with its device (`ip -o addr show scope global`). */
export const allAddresses: Fact<DeviceAddress[]> = {
  id: "addresses-all",
  command: "ip -o addr show scope global",
  parse: (stdout) => [...globalLines(stdout).matchAll(new RegExp(String.raw`^\d+:\s+(\S+)\s+inet6? (${V4}|${V6})\/\d+`, "gm"))].map((m) => ({ device: m[1], address: m[2] })),
};
