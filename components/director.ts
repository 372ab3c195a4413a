// A director: IPVS + keepalived (and, when co-located, the real-server side) on one host.
import * as pulumi from "@pulumi/pulumi";
import type { HostState } from "../core/render/host-state";
import type { TargetInputs } from "../core/plan/target";
import { HostConfig } from "./host-config";

export interface HostRoleArgs {
  host: string;
  target: pulumi.Input<TargetInputs>;
  state: pulumi.Input<HostState>;
  secretFiles?: pulumi.Input<Record<string, string>>;
  drainSeconds?: pulumi.Input<number>;
}

export class Director extends pulumi.ComponentResource {
  readonly host: string;
  readonly config: HostConfig;
  readonly configHash: pulumi.Output<string>;
  readonly vrrp: pulumi.Output<HostState["vrrp"]>;

  constructor(name: string, args: HostRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pulumi-lvs:index:Director", name, {}, opts);
    this.host = args.host;
    this.config = new HostConfig(`${name}-config`, args, { parent: this });
    this.configHash = this.config.hash;
    this.vrrp = pulumi.output(args.state).apply((s) => s.vrrp);
    this.registerOutputs({ host: this.host, configHash: this.configHash, vrrp: this.vrrp });
  }
}
