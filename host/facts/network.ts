// Network identity: an interface's MAC address, and which interface routes to an address.
import type { Fact } from "./fact";
import { sh } from "../quote";

export function interfaceMac(device: string): Fact<string | null> {
  return {
    id: `mac-${device}`,
    command: `cat /sys/class/net/${sh(device)}/address`,
    parse: (stdout) => /^([0-9a-f]{2}(:[0-9a-f]{2}){5})$/m.exec(stdout.trim().toLowerCase())?.[1] ?? null,
  };
}

export function routeInterface(address: string): Fact<string | null> {
  return {
    id: `route-${address}`,
    command: `ip -o route get ${sh(address)}`,
    parse: (stdout) => /\bdev (\S+)/.exec(stdout)?.[1] ?? null,
  };
}

export function userExists(name: string): Fact<boolean> {
  return {
    id: `user-${name}`,
    command: `getent passwd ${sh(name)}`,
    parse: (stdout) => stdout.startsWith(`${name}:`),
  };
}
