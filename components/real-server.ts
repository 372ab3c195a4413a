// A real server: VIPs bound on its dummy interface and the ARP settings that keep it from answering for them.
// Created by LvsCluster, or declared by a program with a ComposedCluster (attached on seal()).
import * as pulumi from "@pulumi/pulumi";
import type { RealServerInputConfig } from "../core/config/input";
import type { HostInput } from "./cluster-input";
import { ClusterRegistry, deferred, HostRole, HostRoleArgs } from "./host-role";
import { HostConfig } from "./host-config";

/** A real server declared on its own: its host, its real-server settings (the serving interface), its cluster. */
export type RealServerDeclarationArgs = Omit<RealServerInputConfig, "host"> & { cluster: ClusterRegistry; host: HostInput };

export type RealServerArgs = HostRoleArgs | RealServerDeclarationArgs;

export class RealServer extends pulumi.ComponentResource implements HostRole {
  readonly host: string;
  readonly configHash: pulumi.Output<string>;
  /** The VIPs bound on its `lvs0`. */
  readonly vips: pulumi.Output<string[]>;
  private readonly resourceName: string;
  private readonly hostConfig = deferred<HostConfig>();
  private readonly roleArgs = deferred<HostRoleArgs>();
  private attached?: HostConfig;

  constructor(name: string, args: RealServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pulumi-lvs:index:RealServer", name, {}, opts);
    this.resourceName = name;
    this.configHash = pulumi.output(this.hostConfig.promise.then((c) => c.hash));
    this.vips = pulumi.output(this.roleArgs.promise.then((a) => pulumi.output(a.state).apply((s) => s.addresses.map((x) => x.address))));
    if ("cluster" in args) {
      const { cluster, host, ...settings } = args;
      this.host = host.name;
      cluster.register({ kind: "realServer", component: this, host, settings });
    } else {
      this.host = args.host;
      // Its HostConfig waits for what the component waits for (the prepares, and the order before it).
      this.attach(args, opts?.dependsOn);
    }
  }

  get config(): HostConfig {
    if (!this.attached) throw new Error(`pulumi-lvs: RealServer ${this.resourceName} has no host config yet: its cluster's seal() declares it`);
    return this.attached;
  }

  attach(args: HostRoleArgs, dependsOn?: pulumi.CustomResourceOptions["dependsOn"]): void {
    if (this.attached) throw new Error(`pulumi-lvs: RealServer ${this.resourceName} already has its host config`);
    this.attached = new HostConfig(`${this.resourceName}-config`, args, dependsOn ? { parent: this, dependsOn } : { parent: this });
    this.hostConfig.resolve(this.attached);
    this.roleArgs.resolve(args);
    this.registerOutputs({ host: this.host, configHash: this.configHash, vips: this.vips });
  }
}
