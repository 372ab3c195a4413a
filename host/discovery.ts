// Values the stack config may leave out, read on the hosts: director MACs (peer-MAC rules) and real servers'
// serving interfaces (ARP sysctls). One batched, read-only round trip per host.
import type { Discovered } from "../core/model/discovery";
import type { DiscoveryRequest } from "../core/plan/discovery";
import { batchScript, Fact, splitBatch } from "./facts/fact";
import { interfaceMac, routeInterface } from "./facts/network";
import { firewallBackend } from "./facts/firewall";
import { HostError } from "./errors";
import { inPhase } from "./trace";
import type { Transport } from "./transport";
import { assertNever } from "../core/util/never";

export function discoveryFact(r: DiscoveryRequest): Fact<string | null> {
  switch (r.what) {
    case "mac":
      return interfaceMac(r.from);
    case "interface":
      return routeInterface(r.from);
    case "firewall":
      return firewallBackend;
    default:
      return assertNever(r.what, "discovery kind");
  }
}

const IFNAME = /^[A-Za-z0-9_.@-]{1,15}$/;

/** A host answered, but not with a usable value. */
export class DiscoveryError extends HostError {
  constructor(r: DiscoveryRequest, why: string) {
    super(r.host, `cannot discover ${describe(r)}: ${why}; set ${r.configKey} by hand`);
    this.name = "DiscoveryError";
  }
}

function describe(r: DiscoveryRequest): string {
  switch (r.what) {
    case "mac":
      return `the MAC of ${r.from} (${discoveryFact(r).command})`;
    case "interface":
      return `the interface that reaches ${r.from} (${discoveryFact(r).command})`;
    case "firewall":
      return "the firewall backend (readlink -f /usr/sbin/iptables; /usr/sbin/netfilter-persistent)";
    default:
      return assertNever(r.what, "discovery kind");
  }
}

function check(r: DiscoveryRequest, value: string | null, raw: string): string {
  const bad = (why: string) => new DiscoveryError(r, why);
  const shown = JSON.stringify(raw.trim().slice(0, 120));
  if (value === null) throw bad(raw.trim() ? `unexpected output ${shown}` : "no output (no such interface, or no route)");
  if (r.what === "mac" && /^(00:){5}00$/.test(value)) throw bad("the interface has no hardware address (00:00:00:00:00:00)");
  if (r.what === "interface" && value === "lo") throw bad(`the route goes via lo (${r.from} is local to this host)`);
  if (r.what === "interface" && !IFNAME.test(value)) throw bad(`unexpected interface name in ${shown}`);
  return value;
}

/** Where a discovered value of this kind is kept. */
function valuesOf(out: Discovered, what: DiscoveryRequest["what"]): Record<string, string> {
  switch (what) {
    case "mac":
      return out.macs;
    case "interface":
      return out.interfaces;
    case "firewall":
      return (out.firewalls ??= {});
    default:
      return assertNever(what, "discovery kind");
  }
}

/** Parses one host's batch output into values; every request is answered or the error names its config key. */
export function parseDiscovery(requests: DiscoveryRequest[], stdout: string): Discovered {
  const sections = splitBatch(stdout);
  const out: Discovered = { macs: {}, interfaces: {} };
  for (const r of requests) {
    let value = r.known;
    if (value === undefined) {
      const fact = discoveryFact(r);
      const section = sections.get(fact.id);
      if (section === undefined) throw new DiscoveryError(r, "the discovery script was cut short");
      value = check(r, fact.parse(section), section);
    }
    valuesOf(out, r.what)[r.host] = value;
  }
  return out;
}

export function discoveryScript(requests: DiscoveryRequest[]): string {
  const facts = requests.filter((r) => r.known === undefined).map(discoveryFact);
  return batchScript(facts.filter((f, i) => facts.findIndex((g) => g.id === f.id) === i));
}

/** Asks every host concerned (in parallel, one round trip each) and merges the answers. */
export async function discoverValues(transportFor: (host: string) => Promise<Transport>, requests: DiscoveryRequest[]): Promise<Discovered> {
  const byHost = new Map<string, DiscoveryRequest[]>();
  for (const r of requests) byHost.set(r.host, [...(byHost.get(r.host) ?? []), r]);
  const results = await Promise.all(
    [...byHost].map(async ([host, rs]) => {
      if (rs.every((r) => r.known !== undefined)) return parseDiscovery(rs, "");
      try {
        const r = await inPhase(host, "discover", async () => (await transportFor(host)).run(discoveryScript(rs), { timeoutMs: 60_000 }));
        return parseDiscovery(rs, r.stdout);
      } catch (e) {
        if (e instanceof DiscoveryError) throw e;
        const why = e instanceof Error ? e.message.replace(/^host \S+: /, "") : String(e);
        throw new HostError(host, `cannot discover ${rs.map((r) => r.id).join(", ")} (${why}); fix that, or set ${rs.map((r) => r.configKey).join(" and ")} by hand`);
      }
    }),
  );
  const out: Discovered = { macs: {}, interfaces: {} };
  for (const r of results) {
    Object.assign(out.macs, r.macs);
    Object.assign(out.interfaces, r.interfaces);
    if (r.firewalls) Object.assign((out.firewalls ??= {}), r.firewalls);
  }
  return out;
}
