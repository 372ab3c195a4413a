// The library surface: components another Pulumi program can import and feed with Inputs.
export { LvsCluster, LvsClusterArgs } from "./cluster";
export { Director, HostRoleArgs } from "./director";
export { RealServer } from "./real-server";
export { Vip } from "./vip";
export { HostConfig, HostConfigArgs } from "./host-config";
export { HostDiscovery, HostDiscoveryArgs } from "./host-discovery";
