// The cluster value as a user writes it (before defaults): the schema's input type. Fields with a default stay
// optional here; `ClusterConfig` is the same value after validation, defaults filled in.
import type { FromSchema } from "json-schema-to-ts";
import type { clusterSchema } from "./schema";

export type ClusterConfigInput = FromSchema<typeof clusterSchema, { keepDefaultedPropertiesOptional: true }>;
export type HostInputConfig = ClusterConfigInput["hosts"][number];
export type DirectorInputConfig = ClusterConfigInput["directors"][number];
export type RealServerInputConfig = NonNullable<ClusterConfigInput["realServers"]>[number];
export type VrrpInputConfig = ClusterConfigInput["vrrp"][number];
export type ServiceInputConfig = ClusterConfigInput["services"][number];
export type MemberInputConfig = ServiceInputConfig["realServers"][number];

/**
 * The leaves a Pulumi program may wire to other resources' outputs, as paths in the cluster value (`*` = any index).
 * Everything else names or orders resources, or decides which exist, so it must be known when they are declared.
 */
export const WIRED_LEAVES = ["hosts.*.address", "hosts.*.sshAddress", "hosts.*.hostKey", "services.*.realServers.*.weight"] as const;
