// What to read on which host: one request per value the render left for discovery (HostState.discover), each naming
// the host to ask, how to find the value there, and the config key to set instead.
import type { ClusterConfig } from "../config/schema";
import type { ClusterModel } from "../model/cluster";
import type { Discovery, DiscoveryKind } from "../model/discovery";
import { assertNever } from "../util/never";

export interface DiscoveryRequest {
  /** The render's Discovery id: `mac:<host>` or `interface:<host>`. */
  id: string;
  host: string;
  what: DiscoveryKind;
  /** mac: the interface to read; interface: the address whose route names the interface; firewall: unused (""). */
  from: string;
  /** Answer known without asking the host (a lone co-located director serves on its own VRRP interface). */
  known?: string;
  /** What the operator sets instead, named in errors. */
  configKey: string;
}

function request(config: ClusterConfig, model: ClusterModel, d: Discovery): DiscoveryRequest {
  switch (d.what) {
    case "mac": {
      const i = config.directors.findIndex((x) => x.host === d.host);
      return { id: d.id, host: d.host, what: "mac", from: d.detail, configKey: `pulumi-lvs:cluster.directors[${i}].mac` };
    }
    case "interface": {
      const i = (config.realServers ?? []).findIndex((x) => x.host === d.host);
      const configKey = i >= 0 ? `pulumi-lvs:cluster.realServers[${i}].interface` : `pulumi-lvs:cluster.realServers (add { host: ${d.host}, interface: … })`;
      // A director routes its own address via lo, so a co-located host asks for the route to another director.
      const toward = model.directors.find((x) => x.host !== d.host);
      const own = model.directors.find((x) => x.host === d.host);
      const r: DiscoveryRequest = { id: d.id, host: d.host, what: "interface", from: toward?.address ?? "", configKey };
      if (!toward && own) r.known = own.interface;
      return r;
    }
    case "firewall": {
      const i = config.directors.findIndex((x) => x.host === d.host);
      return { id: d.id, host: d.host, what: "firewall", from: "", configKey: `pulumi-lvs:cluster.directors[${i}].firewall` };
    }
    default:
      return assertNever(d.what, "discovery kind");
  }
}

/** One request per value, however many files use it. */
export function discoveryRequests(config: ClusterConfig, model: ClusterModel, discoveries: Discovery[]): DiscoveryRequest[] {
  const out = new Map<string, DiscoveryRequest>();
  for (const d of discoveries) if (!out.has(d.id)) out.set(d.id, request(config, model, d));
  return [...out.values()];
}

/** "MAC of d2: 52:54:00:77:00:12, interface of r1: eth0, firewall of d1: iptables". */
export function describeDiscovered(found: { macs: Record<string, string>; interfaces: Record<string, string>; firewalls?: Record<string, string> }): string {
  return [
    ...Object.entries(found.macs).map(([h, v]) => `MAC of ${h}: ${v}`),
    ...Object.entries(found.interfaces).map(([h, v]) => `interface of ${h}: ${v}`),
    ...Object.entries(found.firewalls ?? {}).map(([h, v]) => `firewall of ${h}: ${v}`),
  ].join(", ");
}
