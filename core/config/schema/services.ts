// `services`: the virtual services (keepalived virtual_server) and their members.
import { ip, ipv4, name, port } from "./common";
import { healthCheck } from "./health-check";
import { hook } from "./hooks";

const member = {
  type: "object",
  properties: {
    host: { type: "string", description: "Name of an entry in `hosts`." },
    port: { ...port, description: "Real port; NAT may remap, DR/TUN must not." },
    weight: { type: "integer", minimum: 0, maximum: 65535, default: 1, description: "Share of new connections; 0 drains." },
  },
  required: ["host"],
  additionalProperties: false,
} as const;

export const services = {
  type: "array",
  minItems: 1,
  description: "Virtual services (keepalived virtual_server).",
  items: {
    type: "object",
    properties: {
      name: { ...name, description: "Service name (used in comments and managed object names)." },
      vip: {
        ...ip,
        description:
          "Virtual IP clients connect to, IPv4 or IPv6. The service is of its VIP's family: its members are reached at their address of that family, and its VRRP group carries only that family.",
      },
      port: { ...port, description: "Virtual port (omit only for fwmark services)." },
      protocol: { type: "string", enum: ["TCP", "UDP", "SCTP"], default: "TCP", description: "Transport protocol." },
      ports: {
        type: "array",
        items: port,
        description: "fwmark services: the ports whose packets are marked (defaults to `port`).",
      },
      fwmark: {
        type: "integer",
        minimum: 1,
        maximum: 2147483647,
        description: "Serve by firewall mark instead of VIP:port. Derived automatically for co-located DR.",
      },
      scheduler: {
        type: "string",
        enum: ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "mh", "fo", "ovf", "twos"],
        default: "wlc",
        description: "IPVS scheduler.",
      },
      forwarding: {
        type: "string",
        enum: ["DR", "NAT", "TUN", "FULLNAT"],
        default: "DR",
        description: "LVS forwarding method (DR = direct routing, NAT = masquerading, TUN = IP-in-IP).",
      },
      persistence: {
        type: "object",
        description: "Send a client to the same real server for a while.",
        properties: {
          timeout: { type: "integer", minimum: 1, maximum: 2678400, description: "Seconds a client stays on its real server." },
          granularity: { ...ipv4, description: "Netmask grouping clients (e.g. 255.255.255.0)." },
        },
        required: ["timeout"],
        additionalProperties: false,
      },
      vrrp: { type: "string", description: "VRRP group carrying this VIP; defaults to the only group." },
      quorum: { type: "integer", minimum: 1, description: "Minimum total weight of live real servers." },
      quorumUp: { ...hook, description: `quorum_up: run when the live weight reaches the quorum again. ${hook.description}` },
      quorumDown: { ...hook, description: `quorum_down: run when the live weight falls below the quorum. ${hook.description}` },
      groupVips: {
        type: "array",
        items: ip,
        description:
          "More VIPs (of the `vip`'s family) served on `port` by the same real servers and health checks: the service becomes a keepalived virtual_server_group. Each VIP is carried by the service's VRRP group and bound on DR/TUN real servers.",
      },
      sorryServer: {
        type: "object",
        description: "A host that serves while no real server is up (sorry_server), with the service's forwarding method; it leaves when one returns.",
        properties: {
          host: { type: "string", description: "Name of an entry in `hosts` (it is set up as a real server of the service)." },
          port: { ...port, description: "Its port; defaults to the virtual port (DR/TUN cannot remap)." },
        },
        required: ["host"],
        additionalProperties: false,
      },
      inhibitOnFailure: {
        type: "boolean",
        default: false,
        description: "A failing real server stays in IPVS with weight 0 (existing connections live on) instead of being removed (inhibit_on_failure).",
      },
      alpha: { type: "boolean", default: false, description: "Real servers start as down until their first check succeeds (alpha)." },
      omega: { type: "boolean", default: false, description: "Run quorumDown when keepalived shuts the service down (omega)." },
      healthCheck,
      realServers: { type: "array", minItems: 1, description: "Members of the service.", items: member },
    },
    required: ["name", "vip", "realServers"],
    additionalProperties: false,
  },
} as const;
