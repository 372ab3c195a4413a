// /etc/sysctl.d files (systemd-sysctl at boot) and the live `sysctl -w` (procps-ng): the only way a config string
// becomes a sysctl line. Both tools read a line as `key = value`: whitespace around both is stripped, the first `=`
// ends the key, and a line is a comment only when it starts with `#` or `;`. A key's first separator decides its
// form: `net/ipv4/conf/eth0.10/rp_filter` (slashes, dots are part of names) or `net.ipv4.conf.eth0/10.rp_filter`
// (dots, and a slash stands for a dot inside a name); both tools print and accept the second, so it is the form
// written here. A leading `-` makes systemd-sysctl ignore a failure; `*`, `?` and `[` make the key a glob.
// (Checked against the real systemd-sysctl and sysctl in test/unit/formats/sysctl-conformance.test.ts.)
import { accepted, byteLength, firstRefused, nonPrintable, Refusal } from "./lexicon";

const FORMAT = "sysctl.d";

/** The directories of /proc/sys: a key outside them names no sysctl. */
export const SYSCTL_ROOTS = ["abi", "crypto", "debug", "dev", "fs", "kernel", "net", "sunrpc", "user", "vm"] as const;

/** The kernel reads at most one page from a sysctl write. */
export const MAX_SYSCTL_VALUE_BYTES = 4095;

/** A key's names, split the way systemd-sysctl and sysctl split it (see above). */
export function sysctlSegments(key: string): string[] {
  const first = /[./]/.exec(key)?.[0];
  if (first === "/") return key.split("/");
  return key.split(".").map((s) => s.replace(/\//g, "."));
}

/** The written form of a key from its names: dots between names, a slash for a dot inside one (`eth0/10`). */
export function sysctlKey(...segments: string[]): string {
  return segments.map((s) => s.replace(/\./g, "/")).join(".");
}

/** Any accepted spelling of a key, in the written form: `net/ipv4/ip_forward` and `net.ipv4.ip_forward` are one key. */
export function canonicalSysctlKey(key: string): string {
  return sysctlKey(...sysctlSegments(key));
}

/** One name inside a key, e.g. an interface in net.ipv4.conf.<name>.arp_ignore. */
export function refuseSysctlSegment(segment: string): Refusal | undefined {
  if (segment === "") return "has an empty name between separators (e.g. `..`), which names no sysctl";
  if (segment === "." || segment === "..") return `has the path segment "${segment}", which would leave its directory under /proc/sys`;
  return firstRefused(segment, (c) => (/[A-Za-z0-9_@+.-]/.test(c) ? undefined : "not allowed in a sysctl name (letters, digits, _ @ + - .)"));
}

export function refuseSysctlKey(key: string): Refusal | undefined {
  if (key.length === 0) return "is empty";
  const chars = firstRefused(key, (c, i) => {
    if (c === " " || c === "\t") return "systemd-sysctl strips spaces around the key and reads the rest as a different name";
    const np = nonPrintable(c, FORMAT);
    if (np) return np;
    if (c === "=") return "the first \"=\" ends the key on a sysctl.d line, so the rest would become the value";
    if (c === "*" || c === "?" || c === "[" || c === "]") return "systemd-sysctl reads it as a glob and applies the value to every matching key";
    if (c === "-" && i === 0) return "a leading \"-\" makes systemd-sysctl ignore a failure to set the key";
    if (c === "#" || c === ";") return i === 0 ? "a line starting with it is a comment in sysctl.d" : "not allowed in a sysctl name";
    if (!/[A-Za-z0-9_@+./-]/.test(c)) return "not allowed in a sysctl name (letters, digits, _ @ + - and the separators . /)";
    return undefined;
  });
  if (chars) return chars;
  const segments = sysctlSegments(key);
  for (const s of segments) {
    const bad = refuseSysctlSegment(s);
    if (bad) return bad;
  }
  if (segments.length < 2) return "names no sysctl: a key has at least two names, e.g. vm.swappiness";
  if (!(SYSCTL_ROOTS as readonly string[]).includes(segments[0]))
    return `starts with "${segments[0]}", which is not a directory of /proc/sys (one of: ${SYSCTL_ROOTS.join(", ")})`;
  return byteLength(key) > 512 ? "is longer than 512 bytes" : undefined;
}

export function refuseSysctlValue(value: string): Refusal | undefined {
  if (value.length === 0) return "is empty: systemd-sysctl would write an empty string to the key";
  const chars = firstRefused(value, (c) => nonPrintable(c, FORMAT));
  if (chars) return chars;
  if (/^\s|\s$/.test(value)) return "starts or ends with a space, which systemd-sysctl and sysctl strip";
  return byteLength(value) > MAX_SYSCTL_VALUE_BYTES ? `is longer than ${MAX_SYSCTL_VALUE_BYTES} bytes: the kernel reads at most one page from a sysctl write` : undefined;
}

/** The emitters of a sysctl.d line's two sides, `key = value`. */
export const sysctl = {
  key: (key: string) => accepted(FORMAT, "key", key, refuseSysctlKey),
  value: (value: string) => accepted(FORMAT, "value", value, refuseSysctlValue),
} as const;
