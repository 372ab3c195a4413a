// What a Director or RealServer component is given, in either form: the plan's arguments for its host (LvsCluster
// creates the component with them), or a declaration registered with a ComposedCluster, which hands the component
// the same arguments once the program has declared the whole cluster (`seal()`).
import type * as pulumi from "@pulumi/pulumi";
import type { TargetInputs } from "../core/plan/target";
import type { HostState } from "../core/render/host-state";
import type { DirectorInputConfig, RealServerInputConfig } from "../core/config/input";
import type { ServiceModel } from "../core/model/cluster";
import type { HostInput, ServiceInput } from "./cluster-input";

export interface HostRoleArgs {
  host: string;
  target: pulumi.Input<TargetInputs>;
  state: pulumi.Input<HostState>;
  secretFiles?: pulumi.Input<Record<string, string>>;
  drainSeconds?: pulumi.Input<number>;
  /** The host's prepare phase (its HostPrepare's outputs). */
  prepared?: pulumi.Input<string>;
}

/** A Director or RealServer: it receives its host's plan arguments (and its place in the apply order) once. */
export interface HostRole extends pulumi.ComponentResource {
  readonly host: string;
  attach(args: HostRoleArgs, dependsOn?: pulumi.CustomResourceOptions["dependsOn"]): void;
}

export interface VipRoleArgs {
  service: pulumi.Input<ServiceModel>;
  /** The director expected to hold the VIP when every director is healthy. */
  expectedMaster: pulumi.Input<string>;
}

/** A Vip: it receives its service's model once. */
export interface ServiceRole extends pulumi.ComponentResource {
  attach(args: VipRoleArgs): void;
}

export type VipSettings = Omit<ServiceInput, "name" | "vip" | "realServers">;

/** One declaration a composed cluster collects; `kind` says which block of the cluster value it becomes. */
export type Declaration =
  | {
      kind: "director";
      component: HostRole;
      host: HostInput;
      settings: Omit<DirectorInputConfig, "host">;
      /** Its real-server settings, when it also serves (co-located DR). */
      serving?: Omit<RealServerInputConfig, "host">;
    }
  | { kind: "realServer"; component: HostRole; host: HostInput; settings: Omit<RealServerInputConfig, "host"> }
  | {
      kind: "vip";
      component: ServiceRole;
      name: string;
      address: string;
      settings: VipSettings;
      directors: HostRole[];
      members: { server: HostRole; port?: number; weight?: pulumi.Input<number> }[];
    };

/** What Director, RealServer and Vip declarations register with (ComposedCluster). */
export interface ClusterRegistry {
  register(declaration: Declaration): void;
}

export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
