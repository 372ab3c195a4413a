// Address families: telling IPv4 from IPv6, IPv6 parsing to a 128-bit number and back to its one canonical text
// (RFC 5952: lower case, zeros compressed), and prefix membership for both families.
export type Family = 4 | 6;

/** Dotted quad, four decimal octets 0..255 without leading zeros (a scan: a render tests one address thousands of times). */
export function isIpv4(value: string): boolean {
  let dots = 0;
  let digits = 0;
  let octet = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return false;
      digits = 0;
      octet = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return false;
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return false;
    } else return false;
  }
  return dots === 3 && digits > 0;
}

/** Pure string functions asked about the same few thousand addresses over and over remember their answers. */
function remembered<T>(fn: (value: string) => T): (value: string) => T {
  const known = new Map<string, T>();
  return (value) => {
    let found = known.get(value);
    if (found === undefined && !known.has(value)) {
      if (known.size >= 100_000) known.clear();
      known.set(value, (found = fn(value)));
    }
    return found as T;
  };
}

/** An IPv6 address as a 128-bit number; undefined when it does not parse (zone ids `%eth0` are not addresses here). */
export function parseIpv6(value: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(value) || value.length > 45) return undefined;
  let text = value;
  if (text.includes(".")) {
    // An embedded IPv4 tail (::ffff:10.0.0.1) is two groups.
    const at = text.lastIndexOf(":");
    const v4 = text.slice(at + 1);
    if (!isIpv4(v4)) return undefined;
    const o = v4.split(".").map(Number);
    text = `${text.slice(0, at + 1)}${(o[0] * 256 + o[1]).toString(16)}:${(o[2] * 256 + o[3]).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if ([...head, ...rest].some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  const given = head.length + rest.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const words = [...head.map((g) => parseInt(g, 16)), ...Array(8 - given).fill(0), ...rest.map((g) => parseInt(g, 16))];
  return words.reduce((acc: bigint, w: number) => (acc << 16n) | BigInt(w), 0n);
}

export function isIpv6(value: string): boolean {
  return parseIpv6(value) !== undefined;
}

export const familyOf: (value: string) => Family | undefined = remembered((value) => (isIpv4(value) ? 4 : isIpv6(value) ? 6 : undefined));

/** RFC 5952 text of a 128-bit number: the longest run (≥ 2) of zero groups compressed, the first such run on a tie. */
export function formatIpv6(n: bigint): string {
  const words = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(16 * (7 - i))) & 0xffffn));
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { at: i, len: j - i };
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best.at < 0) return hex.join(":");
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.len).join(":")}`;
}

/** One spelling per address: IPv6 in its canonical form (what `ip` and `ipvsadm` print), IPv4 as given. */
export const canonicalIp: (value: string) => string = remembered((value) => {
  const n = isIpv4(value) ? undefined : parseIpv6(value);
  return n === undefined ? value : formatIpv6(n);
});

/** An IPv6 prefix `ADDRESS/LEN` (0..128); undefined when it does not parse. */
export function parseCidr6(cidr: string): { network: bigint; prefix: number } | undefined {
  const slash = cidr.lastIndexOf("/");
  if (slash < 0) return undefined;
  const n = parseIpv6(cidr.slice(0, slash));
  const len = cidr.slice(slash + 1);
  if (n === undefined || !/^(12[0-8]|1[01]\d|[1-9]?\d)$/.test(len)) return undefined;
  const prefix = Number(len);
  return { network: n & mask6(prefix), prefix };
}

function mask6(prefix: number): bigint {
  return prefix === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - prefix)) - 1n);
}

export function inCidr6(ip: string, cidr: string): boolean {
  const n = parseIpv6(ip);
  const c = parseCidr6(cidr);
  return n !== undefined && c !== undefined && (n & mask6(c.prefix)) === c.network;
}

/** The family of a prefix `ADDRESS/LEN`, from its address part. */
export function cidrFamily(cidr: string): Family | undefined {
  const slash = cidr.lastIndexOf("/");
  return slash < 0 ? undefined : familyOf(cidr.slice(0, slash));
}

/** IPv6 ranges that no VIP, peer or host address on a segment can come from: the reason, or undefined. */
export function specialRange6(ip: string): string | undefined {
  const n = parseIpv6(ip);
  if (n === undefined) return undefined;
  if (n === 0n) return "the unspecified address (::)";
  if (n === 1n) return "the loopback address (::1), which never leaves the host";
  if (n >> 120n === 0xffn) return "a multicast address (ff00::/8)";
  if (n >> 118n === 0x3fan) return "a link-local address (fe80::/10), which is valid only on one link and needs a zone (keepalived, IPVS and routes would not know which interface)";
  if (n >> 32n === 0xffffn) return "an IPv4-mapped address (::ffff:0:0/96), which no host owns on the wire";
  return undefined;
}
