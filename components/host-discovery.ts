// The dynamic resource holding what was discovered on one host (type pulumi-nodejs:dynamic/pulumi-lvs:HostDiscovery).
import * as pulumi from "@pulumi/pulumi";
import type { DiscoveryRequest } from "../core/plan/discovery";
import type { TargetInputs } from "../core/plan/target";
import { DISCOVERY_PROVIDER_VERSION, serializedHostDiscoveryProvider } from "./host-discovery-provider";

export interface HostDiscoveryArgs {
  host: pulumi.Input<string>;
  target: pulumi.Input<TargetInputs>;
  /** What to read on this host (every request's `host` is this host). */
  requests: pulumi.Input<DiscoveryRequest[]>;
}

export class HostDiscovery extends pulumi.dynamic.Resource {
  /** Discovered MACs by host name (this host's, when asked for). */
  declare readonly macs: pulumi.Output<Record<string, string>>;
  /** Discovered serving interfaces by host name. */
  declare readonly interfaces: pulumi.Output<Record<string, string>>;
  /** Detected fwmark backends by host name (undefined in resources that never asked for one). */
  declare readonly firewalls: pulumi.Output<Record<string, string> | undefined>;

  constructor(name: string, args: HostDiscoveryArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs = { host: args.host, target: args.target, requests: args.requests, providerVersion: DISCOVERY_PROVIDER_VERSION };
    super(serializedHostDiscoveryProvider, name, { ...inputs, macs: undefined, interfaces: undefined, firewalls: undefined }, opts, "pulumi-lvs", "HostDiscovery");
  }
}
