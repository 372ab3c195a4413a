// Which of a host's addresses and segments belongs to a family: `address` is either family, `address6` the IPv6 one
// of a dual-stack host; `subnet`/`subnet6` likewise, a host's own before the cluster's.
import type { ClusterConfig, HostConfig } from "../config/schema";
import { canonicalIp, cidrFamily, Family, familyOf } from "./ip";

/** The host's address of `family`, canonical; undefined when it has none. */
export function addressIn(host: Pick<HostConfig, "address" | "address6">, family: Family): string | undefined {
  const found = [host.address, host.address6].find((a) => a !== undefined && familyOf(a) === family);
  return found === undefined ? undefined : canonicalIp(found);
}

/** Every address a host owns, canonical. */
export function addressesOf(host: Pick<HostConfig, "address" | "address6">): string[] {
  return [host.address, host.address6].filter((a): a is string => a !== undefined).map(canonicalIp);
}

/** A service is of its VIP's family (an unparsable VIP is reported by the schema; it counts as IPv4 here). */
export function vipFamily(vip: string): Family {
  return familyOf(vip) ?? 4;
}

/** The segment a host's address of `family` is on: its own subnet of that family, else the cluster's. */
export function subnetIn(c: Pick<ClusterConfig, "subnet" | "subnet6">, host: Pick<HostConfig, "subnet" | "subnet6"> | undefined, family: Family): string | undefined {
  return [host?.subnet, host?.subnet6, c.subnet, c.subnet6].find((s) => s !== undefined && cidrFamily(s) === family);
}

export const familyName = (f: Family) => (f === 4 ? "IPv4" : "IPv6");
