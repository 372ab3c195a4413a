// The package entry (`import … from "pulumi-lvs"`): the components for a Pulumi program, the config types derived
// from the schema, and validation and rendering as plain functions. The stack program (`index.ts`) is not part of
// it: importing the library declares nothing.
export * from "./components";
export type { ClusterConfig, HostConfig as HostEntryConfig, DirectorConfig, RealServerConfig, VrrpConfig, ServiceConfig, MemberConfig, HealthCheckConfig, HealthCheckKind, SshConfig, SecretRef } from "./core/config/schema";
export { clusterSchema } from "./core/config/schema";
export type { ClusterConfigInput } from "./core/config/input";
export { WIRED_LEAVES } from "./core/config/input";
export { ConfigError, ConfigIssue, formatIssue } from "./core/config/issues";
export { validateCluster, requireValidCluster, ValidationResult } from "./core/config/validate";
export { parseStackFile } from "./core/config/stack-file";
export { planCluster, ClusterPlan, HostPlan, PlanOptions } from "./core/plan";
export { expectedMaster } from "./core/plan/expected-master";
export type { HostState } from "./core/render/host-state";
export type { ClusterModel, ServiceModel } from "./core/model/cluster";
export { renderFromConfig } from "./core";
