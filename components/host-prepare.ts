// The dynamic resource for one host's prepare phase (type pulumi-nodejs:dynamic/pulumi-lvs:HostPrepare): declared with
// no dependsOn, so the engine prepares every host at once; the host's HostConfig takes `prepared` from it.
import * as pulumi from "@pulumi/pulumi";
import type { Prepared } from "../host/deploy";
import type { HostConfigArgs } from "./host-config";
import { hostConfigInputs } from "./host-config";
import { serializedHostPrepareProvider } from "./host-prepare-provider";

export class HostPrepare extends pulumi.dynamic.Resource {
  declare readonly hash: pulumi.Output<string>;
  declare readonly baseline: pulumi.Output<Prepared["baseline"]>;
  declare readonly lastChanges: pulumi.Output<string[]>;

  constructor(name: string, args: Omit<HostConfigArgs, "drainSeconds" | "prepared">, opts?: pulumi.CustomResourceOptions) {
    const { drainSeconds: _drain, ...inputs } = hostConfigInputs(args);
    super(serializedHostPrepareProvider, name, { ...inputs, baseline: undefined, lastChanges: undefined }, { deleteBeforeReplace: true, ...opts }, "pulumi-lvs", "HostPrepare");
  }

  /** What the host's commit needs of this prepare. */
  get prepared(): pulumi.Output<Prepared> {
    return pulumi.all([this.hash, this.baseline, this.lastChanges]).apply(([hash, baseline, lastChanges]) => ({ hash, baseline, lastChanges }));
  }
}
