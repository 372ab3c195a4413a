// `sync`: IPVS connection synchronisation between the directors.
import { ifname } from "./common";

export const sync = {
  type: "object",
  description: "Connection synchronisation (keepalived lvs_sync_daemon with `inst`), so a backup holds the connection table.",
  properties: {
    enabled: { type: "boolean", default: false, description: "Run the IPVS sync daemon on the directors." },
    interface: { ...ifname, description: "Interface for sync traffic; defaults to the director's interface." },
    vrrp: { type: "string", description: "VRRP group whose state drives master/backup sync; defaults to the first group." },
    id: { type: "integer", minimum: 0, maximum: 255, description: "Sync id; defaults to the group's VRID." },
  },
  additionalProperties: false,
  default: {},
} as const;
