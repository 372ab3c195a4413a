// A director: IPVS + keepalived (and, when co-located, the real-server side) on one host. Created by LvsCluster
// with its host's plan arguments, or declared by a program with a ComposedCluster, which attaches them on seal().
import * as pulumi from "@pulumi/pulumi";
import type { DirectorInputConfig, RealServerInputConfig } from "../core/config/input";
import type { HostState } from "../core/render/host-state";
import type { HostInput } from "./cluster-input";
import { ClusterRegistry, deferred, HostRole, HostRoleArgs } from "./host-role";
import { HostConfig } from "./host-config";

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
  private readonly hostConfig = deferred<HostConfig>();
  private readonly roleArgs = deferred<HostRoleArgs>();
  private attached?: HostConfig;

  constructor(name: string, args: DirectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pulumi-lvs:index:Director", name, {}, opts);
    this.resourceName = name;
    this.configHash = pulumi.output(this.hostConfig.promise.then((c) => c.hash));
    this.vrrp = pulumi.output(this.roleArgs.promise.then((a) => pulumi.output(a.state).apply((s) => s.vrrp)));
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
    if (!this.attached) throw new Error(`pulumi-lvs: Director ${this.resourceName} has no host config yet: its cluster's seal() declares it`);
    return this.attached;
  }

  attach(args: HostRoleArgs, dependsOn?: pulumi.CustomResourceOptions["dependsOn"]): void {
    if (this.attached) throw new Error(`pulumi-lvs: Director ${this.resourceName} already has its host config`);
    this.attached = new HostConfig(`${this.resourceName}-config`, args, dependsOn ? { parent: this, dependsOn } : { parent: this });
    this.hostConfig.resolve(this.attached);
    this.roleArgs.resolve(args);
    this.registerOutputs({ host: this.host, configHash: this.configHash, vrrp: this.vrrp });
  }
}
