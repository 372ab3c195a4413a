// `realServers`: per-real-server options (any service member is a real server without an entry here).
import { ifname } from "./common";

export const realServers = {
  type: "array",
  default: [],
  description: "Per-real-server settings. Any host named as a service member is a real server; list it here only to set options.",
  items: {
    type: "object",
    properties: {
      host: { type: "string", description: "Name of an entry in `hosts`." },
      interface: {
        ...ifname,
        description: "Interface receiving VIP traffic; discovered on the host (route to the director) when omitted.",
      },
    },
    required: ["host"],
    additionalProperties: false,
  },
} as const;
