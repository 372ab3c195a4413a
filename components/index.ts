// The library surface: components another Pulumi program can import and feed with Inputs.
export { LvsCluster, LvsClusterArgs } from "./cluster";
export { ComposedCluster, ComposedClusterArgs, SealedCluster } from "./composed-cluster";
export { ClusterOptions } from "./declare-cluster";
export { ClusterInput, HostInput, MemberInput, ServiceInput } from "./cluster-input";
export { Director, DirectorArgs, DirectorDeclarationArgs, HostRoleArgs } from "./director";
export { RealServer, RealServerArgs, RealServerDeclarationArgs } from "./real-server";
export { Vip, VipArgs, VipDeclarationArgs, VipMember, VipRoleArgs } from "./vip";
export { HostConfig, HostConfigArgs } from "./host-config";
export { HostDiscovery, HostDiscoveryArgs } from "./host-discovery";
