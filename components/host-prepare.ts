// The dynamic resource for one host's prepare phase (type pulumi-nodejs:dynamic/pulumi-lvs:HostPrepare): declared with
// no dependsOn, so the engine prepares every host at once; the host's HostConfig takes `prepared` from it.
import * as pulumi from "@pulumi/pulumi";
import { preparedText, type Prepared } from "../host/deploy";
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

  /** What the host's commit needs of this prepare, as its input carries it (host/deploy.ts preparedText). */
  get prepared(): pulumi.Output<string> {
    return pulumi.all([this.hash, this.baseline]).apply(([hash, baseline]) => preparedText({ hash, baseline, lastChanges: [] }));
  }
}
