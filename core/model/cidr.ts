// Subnet membership checks: IPv4 arithmetic here, IPv6 in ip.ts.
import { familyOf, inCidr6, parseCidr6 } from "./ip";

export function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function parseCidr(cidr: string): { network: number; prefix: number } | undefined {
  const [ip, len] = cidr.split("/");
  const prefix = Number(len);
  if (!ip || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  if (ip.split(".").some((o) => Number(o) > 255)) return undefined;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: (ipToInt(ip) & mask) >>> 0, prefix };
}

export function inCidr(ip: string, cidr: string): boolean {
  if (familyOf(ip) === 6) return inCidr6(ip, cidr);
  const parsed = parseCidr(cidr);
  if (!parsed) return false;
  const mask = parsed.prefix === 0 ? 0 : (0xffffffff << (32 - parsed.prefix)) >>> 0;
  return ((ipToInt(ip) & mask) >>> 0) === parsed.network;
}

/** Same network and prefix, however written (10.0.0.1/24 and 10.0.0.0/24 are one segment). */
export function sameNetwork(a: string, b: string): boolean {
  const [x6, y6] = [parseCidr6(a), parseCidr6(b)];
  if (x6 || y6) return x6 !== undefined && y6 !== undefined && x6.network === y6.network && x6.prefix === y6.prefix;
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x !== undefined && y !== undefined && x.network === y.network && x.prefix === y.prefix;
}
