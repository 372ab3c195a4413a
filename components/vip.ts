// A virtual service: its address, port or fwmark, scheduler, forwarding, members, and the director expected to hold
// it. Created by LvsCluster from the plan, or declared by a program with a ComposedCluster: it names its directors
// and members (Director and RealServer components), and the cluster's seal() attaches the planned service.
import * as pulumi from "@pulumi/pulumi";
import type { ServiceModel } from "../core/model/cluster";
import type { Director } from "./director";
import type { RealServer } from "./real-server";
import { ClusterRegistry, deferred, ServiceRole, VipRoleArgs, VipSettings } from "./host-role";

export type { VipRoleArgs } from "./host-role";

export interface VipMember {
  /** A real server, or a director that also serves (co-located DR). */
  server: RealServer | Director;
  /** Real port (NAT may remap; DR and TUN must not). */
  port?: number;
  weight?: pulumi.Input<number>;
}

/** A VIP declared on its own: the service settings, its directors (every director of the cluster) and members. */
export type VipDeclarationArgs = VipSettings & {
  cluster: ClusterRegistry;
  /** The service name (default: the resource name). */
  name?: string;
  /** The virtual IP clients connect to. */
  address: string;
  directors: Director[];
  members: VipMember[];
};

export type VipArgs = VipRoleArgs | VipDeclarationArgs;

export class Vip extends pulumi.ComponentResource implements ServiceRole {
  readonly address: pulumi.Output<string>;
  readonly service: pulumi.Output<ServiceModel>;
  readonly expectedMaster: pulumi.Output<string>;
  private readonly resourceName: string;
  private readonly planned = deferred<VipRoleArgs>();
  private done = false;

  constructor(name: string, args: VipArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pulumi-lvs:index:Vip", name, {}, opts);
    this.resourceName = name;
    this.service = pulumi.output(this.planned.promise.then((a) => pulumi.output(a.service)));
    this.address = this.service.apply((s) => s.vip);
    this.expectedMaster = pulumi.output(this.planned.promise.then((a) => pulumi.output(a.expectedMaster)));
    if ("cluster" in args) {
      const { cluster, name: service, address, directors, members, ...settings } = args;
      cluster.register({ kind: "vip", component: this, name: service ?? name, address, settings, directors, members });
    } else {
      this.attach(args);
    }
  }

  attach(args: VipRoleArgs): void {
    if (this.done) throw new Error(`pulumi-lvs: Vip ${this.resourceName} already has its service`);
    this.done = true;
    this.planned.resolve(args);
    this.registerOutputs({ address: this.address, service: this.service, expectedMaster: this.expectedMaster });
  }
}
