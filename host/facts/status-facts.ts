// What `pulumi-lvs status` reads from one host, in a single read-only round trip: for directors keepalived's unit,
// the addresses on each VRRP interface, the VRRP journal and the IPVS table; for real servers lvs0 and ARP settings.
import { NAMES } from "../../core/render/paths";
import type { Transport } from "../transport";
import { batchScript, Fact, splitBatch } from "./fact";
import { interfaceAddresses } from "./addresses";
import { unitStates, UnitState } from "./units";
import { vrrpJournal, VrrpJournal } from "./vrrp-journal";
import { ipvsTable, IpvsTable } from "./ipvs";
import { arpSettings, ArpSettings } from "./arp";

export interface StatusFactsPlan {
  /** VRRP interfaces to read addresses from (directors). */
  vrrpInterfaces: string[];
  director: boolean;
  /** Present for real servers: the configured serving interface (null: the route toward `toward`). */
  realServer?: { interface: string | null; toward: string };
}

export interface HostStatusFacts {
  keepalived?: UnitState;
  /** Addresses ("a.b.c.d/len") per interface read. */
  interfaces: Record<string, string[]>;
  journal?: VrrpJournal;
  ipvs?: IpvsTable;
  /** Addresses on lvs0 (real servers). */
  lvs0?: string[];
  arp?: ArpSettings;
}

function factsFor(plan: StatusFactsPlan): Fact<unknown>[] {
  const facts: Fact<unknown>[] = [];
  if (plan.director) facts.push(unitStates(["keepalived.service"]), vrrpJournal, ipvsTable);
  for (const i of plan.vrrpInterfaces) facts.push(interfaceAddresses(i));
  if (plan.realServer) {
    facts.push(interfaceAddresses(NAMES.vipDevice), arpSettings(plan.realServer.interface, plan.realServer.toward));
  }
  // A co-located host's VRRP interface could be lvs0 in theory; read each fact once.
  return facts.filter((f, i) => facts.findIndex((g) => g.id === f.id) === i);
}

export function statusFactsScript(plan: StatusFactsPlan): string {
  return batchScript(factsFor(plan));
}

export function parseStatusFacts(plan: StatusFactsPlan, stdout: string): HostStatusFacts {
  const sections = splitBatch(stdout);
  const get = <T>(f: Fact<T>): T => {
    const s = sections.get(f.id);
    if (s === undefined) throw new Error(`fact ${f.id}: no output section (the status script was cut short)`);
    return f.parse(s);
  };
  const out: HostStatusFacts = { interfaces: {} };
  if (plan.director) {
    out.keepalived = get(unitStates(["keepalived.service"]))["keepalived.service"];
    out.journal = get(vrrpJournal);
    out.ipvs = get(ipvsTable);
  }
  for (const i of plan.vrrpInterfaces) out.interfaces[i] = get(interfaceAddresses(i));
  if (plan.realServer) {
    out.lvs0 = get(interfaceAddresses(NAMES.vipDevice));
    out.arp = get(arpSettings(plan.realServer.interface, plan.realServer.toward));
  }
  return out;
}

/** Reads a host's status facts (read-only commands only). */
export async function gatherStatusFacts(transport: Transport, plan: StatusFactsPlan): Promise<HostStatusFacts> {
  const r = await transport.run(statusFactsScript(plan), { timeoutMs: 60_000 });
  return parseStatusFacts(plan, r.stdout);
}
