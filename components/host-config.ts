// The dynamic resource holding one host's desired state (type pulumi-nodejs:dynamic/pulumi-lvs:HostConfig).
import * as pulumi from "@pulumi/pulumi";
import { splitFiles } from "../core/plan/desired";
import type { TargetInputs } from "../core/plan/target";
import type { HostState } from "../core/render/host-state";
import { serializedHostConfigProvider, HostConfigInputs, PROVIDER_VERSION } from "./host-config-provider";

export interface HostConfigArgs {
  host: pulumi.Input<string>;
  target: pulumi.Input<TargetInputs>;
  /** Desired state rendered without secrets (secret files hold placeholders). */
  state: pulumi.Input<HostState>;
  /** Contents of the secret files by path, rendered with the secret values (a secret Output). */
  secretFiles?: pulumi.Input<Record<string, string>>;
  drainSeconds?: pulumi.Input<number>;
  /** The host's HostPrepare outputs (its prepare phase, run before any host's commit). */
  prepared?: pulumi.Input<string>;
}

type Inputs = { [K in keyof HostConfigInputs]: pulumi.Input<HostConfigInputs[K]> };

/** The inputs a host's desired state gives its HostConfig (and its HostPrepare). */
export function hostConfigInputs(args: HostConfigArgs): Inputs {
  const split = pulumi.output(args.state).apply(splitFiles);
  return {
    host: args.host,
    target: args.target,
    state: split.apply((s) => s.state),
    files: split.apply((s) => s.files),
    // The secret contents come rendered with the values, apart from the state (whose secret files hold placeholders).
    secretFiles: pulumi.secret(args.secretFiles ?? {}),
    hash: split.apply((s) => s.hash),
    drainSeconds: args.drainSeconds ?? 5,
    providerVersion: PROVIDER_VERSION,
    ...(args.prepared ? { prepared: args.prepared } : {}),
  };
}

export class HostConfig extends pulumi.dynamic.Resource {
  declare readonly hash: pulumi.Output<string>;
  declare readonly lastChanges: pulumi.Output<string[]>;
  declare readonly drift: pulumi.Output<string[]>;

  constructor(name: string, args: HostConfigArgs, opts?: pulumi.CustomResourceOptions) {
    super(serializedHostConfigProvider, name, { ...hostConfigInputs(args), baseline: undefined, lastChanges: undefined, drift: undefined }, { deleteBeforeReplace: true, ...opts }, "pulumi-lvs", "HostConfig");
  }
}
