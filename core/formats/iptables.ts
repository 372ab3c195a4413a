// The iptables-restore file (iptables-restore(8)): the only way a config string enters the iptables fwmark chain. A
// line is one command split at whitespace (double quotes group words), a line starting with `#` is a comment, `*table`
// starts a table and `COMMIT` ends it. Values here are addresses, MACs and numbers in rule words, plus names in
// comment lines.
import { accepted, firstRefused, nonPrintable, Refusal } from "./lexicon";
import { isIpv6 } from "../model/ip";

const FORMAT = "the iptables-restore file";

/** `-d ADDRESS/32`: a dotted quad (a name would be resolved by iptables at load time, a list would add rules). */
export function refuseIptablesAddress(value: string): Refusal | undefined {
  return /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(value) ? undefined : "is not a dotted-quad IPv4 address";
}

/** A VIP as it may reach the iptables file: IPv6 ones never do (refused in validation, see semantic-families.ts). */
export function refuseIptablesVip(value: string): Refusal | undefined {
  return isIpv6(value) ? undefined : refuseIptablesAddress(value);
}

/** `--mac-source`: six lower-case hex pairs, as iptables-save prints them (discovered MACs are checked here too). */
export function refuseIptablesMac(value: string): Refusal | undefined {
  return /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(value) ? undefined : "is not a MAC address like 52:54:00:12:34:56";
}

/** A `#` line: anything printable, since the comment runs to the end of the line. */
export function refuseIptablesComment(value: string): Refusal | undefined {
  return firstRefused(value, (c) => nonPrintable(c, FORMAT));
}

export const iptables = {
  address: (value: string) => accepted(FORMAT, "address", value, refuseIptablesAddress),
  mac: (value: string) => accepted(FORMAT, "--mac-source", value, refuseIptablesMac),
  comment: (value: string) => accepted(FORMAT, "comment", value, refuseIptablesComment),
} as const;
