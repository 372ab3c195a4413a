// The typed `config` of LvsCluster: the schema's input type, with `pulumi.Input` at the leaves a program wires to
// other resources (core/config/input.ts WIRED_LEAVES): host addresses and keys, member weights.
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterConfigInput, HostInputConfig, MemberInputConfig, ServiceInputConfig } from "../core/config/input";

/** `T` with the keys `K` also accepting an Input of their value (optional stays optional). */
type Wired<T, K extends PropertyKey> = { [P in keyof T]: P extends K ? pulumi.Input<Exclude<T[P], undefined>> | Extract<T[P], undefined> : T[P] };

export type HostInput = Wired<HostInputConfig, "address" | "sshAddress" | "hostKey">;
export type MemberInput = Wired<MemberInputConfig, "weight">;
export type ServiceInput = { [P in keyof ServiceInputConfig]: P extends "realServers" ? MemberInput[] : ServiceInputConfig[P] };

/** The `pulumi-lvs:cluster` value as a program declares it. */
export type ClusterInput = { [P in keyof ClusterConfigInput]: P extends "hosts" ? HostInput[] : P extends "services" ? ServiceInput[] : ClusterConfigInput[P] };
