// The nft ruleset file (nft(8)): the only way a config string enters the fwmark table. `#` starts a comment to the
// end of the line, a newline or `;` ends a statement, `{ }` open and close blocks and sets, `"` quotes a string,
// `$name` is a variable and `@name` a set. Values here are addresses, MACs and numbers, plus names in comments.
import { accepted, firstRefused, nonPrintable, Refusal } from "./lexicon";
import { isIpv6 } from "../model/ip";

const FORMAT = "the nft ruleset";

/** `ip daddr` / `ip6 daddr`: a dotted quad, or an IPv6 address (hex digits and colons; nft reads it as one token). */
export function refuseNftAddress(value: string): Refusal | undefined {
  if (isIpv6(value)) return undefined;
  return /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(value) ? undefined : "is not a dotted-quad IPv4 address or an IPv6 address";
}

/** `ether saddr`: six lower-case hex pairs (discovered MACs come from hosts, so they are checked here too). */
export function refuseNftMac(value: string): Refusal | undefined {
  return /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(value) ? undefined : "is not a MAC address like 52:54:00:12:34:56";
}

/** Text after `#`: anything printable, since the comment runs to the end of the line. */
export function refuseNftComment(value: string): Refusal | undefined {
  return firstRefused(value, (c) => nonPrintable(c, FORMAT));
}

export const nft = {
  address: (value: string) => accepted(FORMAT, "address", value, refuseNftAddress),
  mac: (value: string) => accepted(FORMAT, "ether saddr", value, refuseNftMac),
  comment: (value: string) => accepted(FORMAT, "comment", value, refuseNftComment),
} as const;
