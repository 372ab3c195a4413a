// A virtual service as seen by operators: its address, port or fwmark, scheduler, forwarding and members.
import * as pulumi from "@pulumi/pulumi";
import type { ServiceModel } from "../core/model/cluster";

export class Vip extends pulumi.ComponentResource {
  readonly address: pulumi.Output<string>;
  readonly service: pulumi.Output<ServiceModel>;

  constructor(name: string, args: { service: pulumi.Input<ServiceModel> }, opts?: pulumi.ComponentResourceOptions) {
    super("pulumi-lvs:index:Vip", name, {}, opts);
    this.service = pulumi.output(args.service);
    this.address = this.service.apply((s) => s.vip);
    this.registerOutputs({ address: this.address, service: this.service });
  }
}
