// A director: IPVS + keepalived (and, when co-located, the real-server side) on one host. Created by LvsCluster
// with its host's plan arguments, or declared by a program with a ComposedCluster, which attaches them on seal().
import * as pulumi from "@pulumi/pulumi";
import type { DirectorInputConfig, RealServerInputConfig } from "../core/config/input";
import type { HostState } from "../core/render/host-state";
import type { HostInput } from "./cluster-input";
import { ClusterRegistry, HostRole, HostRoleArgs } from "./host-role";
import type { HostConfig } from "./host-config";
import { HostConfigSlot } from "./host-config-slot";

export type { HostRoleArgs } from "./host-role";

/** A director declared on its own: its host, its director settings, and the cluster it belongs to. */
export type DirectorDeclarationArgs = Omit<DirectorInputConfig, "host"> & {
  cluster: ClusterRegistry;
  host: HostInput;
  /** Real-server settings (the serving interface) for a director that is also a member of a Vip (co-located DR). */
  serving?: Omit<RealServerInputConfig, "host">;
};

export type DirectorArgs = HostRoleArgs | DirectorDeclarationArgs;

export class Director extends pulumi.ComponentResource implements HostRole {
  readonly host: string;
  readonly configHash: pulumi.Output<string>;
  readonly vrrp: pulumi.Output<HostState["vrrp"]>;
  private readonly resourceName: string;
  private readonly slot: HostConfigSlot;

  constructor(name: string, args: DirectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pulumi-lvs:index:Director", name, {}, opts);
    this.resourceName = name;
    this.slot = new HostConfigSlot(`Director ${name}`);
    this.configHash = pulumi.output(this.slot.configReady.then((c) => c.hash));
    this.vrrp = pulumi.output(this.slot.argsReady.then((a) => pulumi.output(a.state).apply((s) => s.vrrp)));
    if ("cluster" in args) {
      const { cluster, host, serving, ...settings } = args;
      this.host = host.name;
      cluster.register({ kind: "director", component: this, host, settings, serving });
    } else {
      this.host = args.host;
      // Its HostConfig waits for what the component waits for (the prepares, and the order before it).
      this.attach(args, opts?.dependsOn);
    }
  }

  /** The HostConfig holding this host's desired state (there once the plan's arguments are attached). */
  get config(): HostConfig {
    return this.slot.config;
  }

  attach(args: HostRoleArgs, dependsOn?: pulumi.CustomResourceOptions["dependsOn"]): void {
    this.slot.attach(this, this.resourceName, args, dependsOn);
    this.registerOutputs({ host: this.host, configHash: this.configHash, vrrp: this.vrrp });
  }
}
