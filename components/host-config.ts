// The dynamic resource holding one host's desired state (type pulumi-nodejs:dynamic/pulumi-lvs:HostConfig).
import * as pulumi from "@pulumi/pulumi";
import type { HostState } from "../core/render/host-state";
import { serializedHostConfigProvider, HostConfigInputs, PROVIDER_VERSION, TargetInputs } from "./host-config-provider";

export interface HostConfigArgs {
  host: pulumi.Input<string>;
  target: pulumi.Input<TargetInputs>;
  /** Desired state rendered without secrets (secret files hold placeholders). */
  state: pulumi.Input<HostState>;
  /** Contents of the secret files by path, rendered with the secret values (a secret Output). */
  secretFiles?: pulumi.Input<Record<string, string>>;
  drainSeconds?: pulumi.Input<number>;
}

type Inputs = { [K in keyof HostConfigInputs]: pulumi.Input<HostConfigInputs[K]> };

export class HostConfig extends pulumi.dynamic.Resource {
  declare readonly hash: pulumi.Output<string>;
  declare readonly lastChanges: pulumi.Output<string[]>;
  declare readonly drift: pulumi.Output<string[]>;

  constructor(name: string, args: HostConfigArgs, opts?: pulumi.CustomResourceOptions) {
    const state = pulumi.output(args.state);
    const plainFiles = state.apply((s) => Object.fromEntries(s.files.filter((f) => f.secretKeys.length === 0).map((f) => [f.path, f.content])));
    const secretFiles = pulumi.secret(args.secretFiles ?? {});
    const inputs: Inputs = {
      host: args.host,
      target: args.target,
      state: state.apply((s) => ({ ...s, files: s.files.map((f) => ({ ...f, content: "" })) })),
      files: plainFiles,
      secretFiles,
      hash: state.apply((s) => s.hash),
      drainSeconds: args.drainSeconds ?? 5,
      providerVersion: PROVIDER_VERSION,
    };
    super(serializedHostConfigProvider, name, { ...inputs, baseline: undefined, lastChanges: undefined, drift: undefined }, { deleteBeforeReplace: true, ...opts }, "pulumi-lvs", "HostConfig");
  }
}
