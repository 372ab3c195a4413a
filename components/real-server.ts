// A real server: VIPs bound on its dummy interface and the ARP settings that keep it from answering for them.
import * as pulumi from "@pulumi/pulumi";
import type { HostRoleArgs } from "./director";
import { HostConfig } from "./host-config";

export class RealServer extends pulumi.ComponentResource {
  readonly host: string;
  readonly config: HostConfig;
  readonly configHash: pulumi.Output<string>;
  readonly vips: pulumi.Output<string[]>;

  constructor(name: string, args: HostRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pulumi-lvs:index:RealServer", name, {}, opts);
    this.host = args.host;
    this.config = new HostConfig(`${name}-config`, args, { parent: this });
    this.configHash = this.config.hash;
    this.vips = pulumi.output(args.state).apply((s) => s.addresses.map((a) => a.address));
    this.registerOutputs({ host: this.host, configHash: this.configHash, vips: this.vips });
  }
}
