// `services`: the virtual services (keepalived virtual_server) and their members.
import { ipv4, name, port } from "./common";
import { healthCheck } from "./health-check";

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
      vip: { ...ipv4, description: "Virtual IP clients connect to." },
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
      healthCheck,
      realServers: { type: "array", minItems: 1, description: "Members of the service.", items: member },
    },
    required: ["name", "vip", "realServers"],
    additionalProperties: false,
  },
} as const;
