// One LVS-DR cluster — two directors in front of web servers — declared two ways with pulumi-lvs: the composable
// form (a ComposedCluster that Director, RealServer and Vip components register with) and one typed cluster value
// (LvsCluster). Both take each machine's address as an Output, here from the stack that created the machines.
import * as pulumi from "@pulumi/pulumi";
import { ClusterInput, ComposedCluster, Director, LvsCluster, RealServer, Vip } from "pulumi-lvs";

export interface Machines {
  /** The address of each machine, by name, as another resource publishes it. */
  address(name: string): pulumi.Input<string>;
}

export interface Settings {
  subnet: string;
  vip: string;
  knownHostsFile: string;
  directors: { name: string; priority: number }[];
  realServers: string[];
  /** The VRRP password, a Pulumi secret (≤ 8 characters). */
  vrrpPassword: pulumi.Input<string>;
}

export interface Declared {
  vipAddress: pulumi.Output<string>;
  expectedMaster: pulumi.Output<string>;
  configHashes: pulumi.Output<Record<string, string>>;
}

// SSH: the key is the Pulumi secret `pulumi-lvs:sshKey`, read by the provider itself (never a resource input).
const ssh = (knownHostsFile: string) => ({ user: "root", privateKey: { secret: "sshKey" }, knownHostsFile, connectTimeoutSeconds: 20 });
const vrrp = [{ name: "VI_WEB", advertInt: 1, auth: { password: { secret: "vrrpPassword" } } }];

export function composed(machines: Machines, s: Settings): Declared {
  const cluster = new ComposedCluster("web", { name: "web", subnet: s.subnet, ssh: ssh(s.knownHostsFile), vrrp, secrets: { vrrpPassword: s.vrrpPassword } });
  const directors = s.directors.map((d) => new Director(d.name, { cluster, host: { name: d.name, address: machines.address(d.name) }, interface: "eth0", priority: d.priority }));
  const servers = s.realServers.map((name) => new RealServer(name, { cluster, host: { name, address: machines.address(name) } }));
  const http = new Vip("http", {
    cluster,
    address: s.vip,
    port: 80,
    scheduler: "rr",
    healthCheck: { type: "TCP", delayLoop: 3 },
    directors,
    members: servers.map((server) => ({ server })),
  });
  // Every Vip names the directors, so keepalived.conf is rendered only once all are declared.
  const sealed = cluster.seal();
  return { vipAddress: http.address, expectedMaster: http.expectedMaster, configHashes: sealed.configHashes };
}

export function whole(machines: Machines, s: Settings): Declared {
  const names = [...s.directors.map((d) => d.name), ...s.realServers];
  const config: ClusterInput = {
    name: "web",
    subnet: s.subnet,
    ssh: ssh(s.knownHostsFile),
    hosts: names.map((name) => ({ name, address: machines.address(name) })),
    directors: s.directors.map((d) => ({ host: d.name, interface: "eth0", priority: d.priority })),
    vrrp,
    services: [
      { name: "http", vip: s.vip, port: 80, scheduler: "rr", healthCheck: { type: "TCP", delayLoop: 3 }, realServers: s.realServers.map((host) => ({ host })) },
    ],
  };
  const lvs = new LvsCluster("web", { config, secrets: { vrrpPassword: s.vrrpPassword } });
  return { vipAddress: lvs.vips[0].address, expectedMaster: lvs.vips[0].expectedMaster, configHashes: lvs.configHashes };
}
