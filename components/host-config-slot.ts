// The HostConfig a Director or RealServer holds: attached once, with its host's plan arguments (at construction, or
// on its ComposedCluster's seal()), and read through promises until then.
import type * as pulumi from "@pulumi/pulumi";
import { HostConfig } from "./host-config";
import { deferred, HostRoleArgs } from "./host-role";

export class HostConfigSlot {
  private readonly configDeferred = deferred<HostConfig>();
  private readonly argsDeferred = deferred<HostRoleArgs>();
  private attached?: HostConfig;
  /** Resolved when the HostConfig is declared. */
  readonly configReady = this.configDeferred.promise;
  /** Resolved with the plan arguments it was declared from. */
  readonly argsReady = this.argsDeferred.promise;

  constructor(private readonly label: string) {}

  get config(): HostConfig {
    if (!this.attached) throw new Error(`pulumi-lvs: ${this.label} has no host config yet: its cluster's seal() declares it`);
    return this.attached;
  }

  /** Declares the HostConfig `<resourceName>-config` under `owner`; it waits for `dependsOn` (prepares, the order). */
  attach(owner: pulumi.ComponentResource, resourceName: string, args: HostRoleArgs, dependsOn?: pulumi.CustomResourceOptions["dependsOn"]): void {
    if (this.attached) throw new Error(`pulumi-lvs: ${this.label} already has its host config`);
    this.attached = new HostConfig(`${resourceName}-config`, args, dependsOn ? { parent: owner, dependsOn } : { parent: owner });
    this.configDeferred.resolve(this.attached);
    this.argsDeferred.resolve(args);
  }
}
