// The cluster component: plans one whole-cluster value (the stack config's `pulumi-lvs:cluster`, or a typed
// ClusterInput) and declares what the plan says (components/declare-cluster.ts): a Director or RealServer per host,
// each with its HostConfig, a Vip per service.
import * as pulumi from "@pulumi/pulumi";
import type { ClusterInput } from "./cluster-input";
import { ClusterOptions, declareCluster } from "./declare-cluster";
import { Director } from "./director";
import { RealServer } from "./real-server";
import { Vip } from "./vip";
import type { HostDiscovery } from "./host-discovery";

export interface LvsClusterArgs extends ClusterOptions {
  /**
   * The cluster value (as `pulumi-lvs:cluster` holds it). Host addresses, SSH addresses, host keys and member weights
   * may be Outputs of other resources; the whole value may also be one Output (then its resources cannot be
   * declared until it resolves: only a plain value or wired leaves declare the hosts).
   */
  config: ClusterInput | pulumi.Output<ClusterInput>;
}

export class LvsCluster extends pulumi.ComponentResource {
  readonly directors: Director[];
  readonly realServers: RealServer[];
  readonly vips: Vip[] = [];
  /** One per host that must supply a value the config leaves out (a director's MAC, a serving interface). */
  readonly discoveries: HostDiscovery[];
  readonly directorHosts: string[];
  readonly realServerHosts: string[];
  readonly vipAddresses: pulumi.Output<string[]>;
  readonly configHashes: pulumi.Output<Record<string, string>>;
  /** The order the directors' changes go out in (their dependsOn chain). */
  readonly directorOrder: pulumi.Output<string[]>;

  constructor(name: string, args: LvsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pulumi-lvs:index:LvsCluster", name, {}, opts);
    const { config, ...options } = args;
    const declared = declareCluster(this, name, config, options, {
      realServer: (host, hostArgs, dependsOn) => new RealServer(`${name}-${host}`, hostArgs, { parent: this, dependsOn }),
      director: (host, hostArgs, dependsOn) => new Director(`${name}-${host}`, hostArgs, { parent: this, dependsOn }),
      vip: (service, vipArgs) => void this.vips.push(new Vip(`${name}-${service}`, vipArgs, { parent: this })),
    });
    this.directors = declared.directors;
    this.realServers = declared.realServers;
    this.discoveries = declared.discoveries;
    this.directorHosts = declared.directorHosts;
    this.realServerHosts = declared.realServerHosts;
    this.vipAddresses = declared.vipAddresses;
    this.configHashes = declared.configHashes;
    this.directorOrder = declared.directorOrder;
    this.registerOutputs({
      directorHosts: this.directorHosts,
      realServerHosts: this.realServerHosts,
      vipAddresses: this.vipAddresses,
      configHashes: this.configHashes,
      directorOrder: this.directorOrder,
    });
  }
}
