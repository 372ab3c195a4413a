// The cluster the converge bench deploys on the bench lab: directors d1 (150) and d2 (100), real servers r1…r8, two
// DR VIPs each served by every real server, the real servers' serving interface discovered.
import type { LabState } from "../lab/state";

export const DIRECTORS = ["d1", "d2"];
export const REAL_SERVERS = ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"];
export const VIPS = ["10.77.0.100", "10.77.0.101"];

/** `weightOf` gives each member's weight (the weight-change run bumps one). */
export function benchCluster(lab: Pick<LabState, "subnet" | "privateKey" | "knownHosts" | "hosts">, weightOf: (service: number, host: string) => number = () => 1): Record<string, unknown> {
  for (const h of [...DIRECTORS, ...REAL_SERVERS]) if (!lab.hosts[h]) throw new Error(`the lab has no host ${h}: boot lab/topologies/bench.json`);
  return {
    name: "bench",
    subnet: lab.subnet,
    // A long batch deadline: a director's package installation took over 300 s (the default) on a loaded machine under TCG.
    ssh: { user: "root", privateKeyFile: lab.privateKey, knownHostsFile: lab.knownHosts, connectTimeoutSeconds: 20, commandTimeoutSeconds: 1800 },
    hosts: [...DIRECTORS, ...REAL_SERVERS].map((n) => ({ name: n, address: lab.hosts[n].address })),
    directors: [
      { host: "d1", interface: lab.hosts.d1.interface, priority: 150 },
      { host: "d2", interface: lab.hosts.d2.interface, priority: 100 },
    ],
    vrrp: [{ name: "VI_BENCH", advertInt: 1 }],
    services: VIPS.map((vip, s) => ({
      name: `web${s}`,
      vip,
      port: 80,
      scheduler: "wrr",
      healthCheck: { type: "NONE" },
      realServers: REAL_SERVERS.map((host) => ({ host, weight: weightOf(s, host) })),
    })),
  };
}

/** The one-weight change: r1's weight in the first VIP goes from 1 to 3. */
export const changedWeight = (service: number, host: string) => (service === 0 && host === "r1" ? 3 : 1);
