// A real server: VIPs bound on its dummy interface and the ARP settings that keep it from answering for them.
// Created by LvsCluster, or declared by a program with a ComposedCluster (attached on seal()).
import * as pulumi from "@pulumi/pulumi";
import type { RealServerInputConfig } from "../core/config/input";
import type { HostInput } from "./cluster-input";
import { ClusterRegistry, HostRole, HostRoleArgs } from "./host-role";
import type { HostConfig } from "./host-config";
import { HostConfigSlot } from "./host-config-slot";

/** A real server declared on its own: its host, its real-server settings (the serving interface), its cluster. */
export type RealServerDeclarationArgs = Omit<RealServerInputConfig, "host"> & { cluster: ClusterRegistry; host: HostInput };

export type RealServerArgs = HostRoleArgs | RealServerDeclarationArgs;

export class RealServer extends pulumi.ComponentResource implements HostRole {
  readonly host: string;
  readonly configHash: pulumi.Output<string>;
  /** The VIPs bound on its `lvs0`. */
  readonly vips: pulumi.Output<string[]>;
  private readonly resourceName: string;
  private readonly slot: HostConfigSlot;

  constructor(name: string, args: RealServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pulumi-lvs:index:RealServer", name, {}, opts);
    this.resourceName = name;
    this.slot = new HostConfigSlot(`RealServer ${name}`);
    this.configHash = pulumi.output(this.slot.configReady.then((c) => c.hash));
    this.vips = pulumi.output(this.slot.argsReady.then((a) => pulumi.output(a.state).apply((s) => s.addresses.map((x) => x.address))));
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
    return this.slot.config;
  }

  attach(args: HostRoleArgs, dependsOn?: pulumi.CustomResourceOptions["dependsOn"]): void {
    this.slot.attach(this, this.resourceName, args, dependsOn);
    this.registerOutputs({ host: this.host, configHash: this.configHash, vips: this.vips });
  }
}
