// The one JSON Schema of the stack config value `pulumi-lvs:cluster`, one file per block; the TypeScript types are
// derived from it.
import type { FromSchema } from "json-schema-to-ts";
import { name, prefix, prefix6, sysctls } from "./common";
import { ssh } from "./ssh";
import { hosts } from "./hosts";
import { directors } from "./directors";
import { realServers } from "./real-servers";
import { vrrp } from "./vrrp";
import { services } from "./services";
import { sync } from "./sync";
import { ipvs } from "./ipvs";

export { HEALTH_CHECK_KINDS } from "./health-check";

export const clusterSchema = {
  $id: "https://pulumi-lvs.dev/schema/cluster.json",
  title: "pulumi-lvs cluster",
  description: "One LVS (IPVS) + keepalived cluster: hosts, directors, real servers, VRRP groups and virtual services.",
  type: "object",
  properties: {
    name: { ...name, description: "Cluster name; seeds derived VRRP router ids and names managed objects." },
    subnet: {
      ...prefix,
      description: "The L2 segment (CIDR, IPv4 or IPv6) shared by directors and DR/TUN real servers; used to check DR reachability.",
    },
    subnet6: {
      ...prefix6,
      description: "The same segment's IPv6 prefix on a dual-stack cluster (hosts' `address6`), e.g. fd77::/64.",
    },
    ssh,
    hosts,
    directors,
    realServers,
    vrrp,
    services,
    sync,
    ipvs,
    sysctls: { ...sysctls, description: "Extra sysctls for every host, persisted in /etc/sysctl.d." },
    reservedVirtualRouterIds: {
      type: "array",
      items: { type: "integer", minimum: 1, maximum: 255 },
      default: [],
      description: "VRIDs already used by others on the segment (found with `tcpdump -ni IF 'ip proto 112'`); never chosen or allowed.",
    },
  },
  required: ["name", "hosts", "directors", "vrrp", "services"],
  additionalProperties: false,
} as const;

/** The cluster config after schema validation with defaults applied. */
export type ClusterConfig = FromSchema<typeof clusterSchema>;
export type HostConfig = ClusterConfig["hosts"][number];
export type DirectorConfig = ClusterConfig["directors"][number];
export type RealServerConfig = ClusterConfig["realServers"][number];
export type VrrpConfig = ClusterConfig["vrrp"][number];
export type TrackScriptConfig = VrrpConfig["trackScripts"][number];
export type ServiceConfig = ClusterConfig["services"][number];
export type MemberConfig = ServiceConfig["realServers"][number];
/** A union by `type`: each kind carries only its own fields. */
export type HealthCheckConfig = ServiceConfig["healthCheck"];
export type HealthCheckKind = HealthCheckConfig["type"];
export type HookConfig = NonNullable<ServiceConfig["quorumUp"]>;
export type TrackInterfaceConfig = VrrpConfig["trackInterfaces"][number];
export type SshConfig = ClusterConfig["ssh"];
export type SecretRef = { secret: string };
