// Values the config may leave out, read on the hosts before anything is written: a director's MAC (for the peer-MAC
// rules of co-located DR), its firewall backend (how those rules are loaded) and a real server's serving interface
// (for its ARP sysctls). One mechanism for all three: the
// render asks `Holes` for the value; it answers with what was discovered, or with a typed Pending value whose use it
// records, so the plan knows what to ask which host without reading any rendered text.
import { assertNever } from "../util/never";
import { own } from "../util/own";

export type DiscoveryKind = "mac" | "interface" | "firewall";

/** What was read on the hosts, by host name (the HostDiscovery resource's outputs). */
export interface Discovered {
  macs: Record<string, string>;
  interfaces: Record<string, string>;
  /** Detected fwmark backends (`nftables` | `iptables`); absent in what releases before it stored. */
  firewalls?: Record<string, string>;
}

/** One use of a value still to be discovered (HostState.discover). */
export interface Discovery {
  /** `mac:<host>`, `interface:<host>` or `firewall:<host>`. */
  id: string;
  /** The host the value is read on. */
  host: string;
  what: DiscoveryKind;
  /** Interface to read the MAC of (mac), how the interface is found (interface), or how the backend is (firewall). */
  detail: string;
  /** The managed file that uses the value. */
  usedBy: string;
}

/** A value not discovered yet: it is shown as a placeholder, and a file that needs it cannot be written. */
export interface Pending {
  readonly pending: string;
}

export type Filled = string | Pending;

export const discoveryId = (what: DiscoveryKind, host: string) => `${what}:${host}`;

export function isPending(value: Filled): value is Pending {
  return typeof value !== "string";
}

/** The text a value stands as in a rendered file: itself, or `<discover mac:d2>` while it is pending. */
export function shown(value: Filled): string {
  return isPending(value) ? `<discover ${value.pending}>` : value;
}

function discoveredValue(discovered: Discovered, what: DiscoveryKind, host: string): string | undefined {
  switch (what) {
    case "mac":
      return own(discovered.macs, host)?.toLowerCase();
    case "interface":
      return own(discovered.interfaces, host);
    case "firewall":
      return own(discovered.firewalls, host);
    default:
      return assertNever(what, "discovery kind");
  }
}

/** The holes one host's render uses, filled from what was discovered; `uses` lists those still pending. */
export class Holes {
  readonly uses: Discovery[] = [];

  constructor(private readonly discovered: Discovered = { macs: {}, interfaces: {} }) {}

  fill(what: DiscoveryKind, host: string, detail: string, usedBy: string): Filled {
    const found = discoveredValue(this.discovered, what, host);
    if (found !== undefined) return found;
    const id = discoveryId(what, host);
    if (!this.uses.some((u) => u.id === id && u.usedBy === usedBy)) this.uses.push({ id, host, what, detail, usedBy });
    return { pending: id };
  }
}

/** The ids of the pending values among `values`, each once, in order. */
export function pendingIds(values: Filled[]): string[] {
  return [...new Set(values.filter(isPending).map((v) => v.pending))];
}
