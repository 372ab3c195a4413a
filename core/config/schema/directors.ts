// `directors`: the hosts that run IPVS and keepalived.
import { ifname, ip, mac } from "./common";

export const directors = {
  type: "array",
  minItems: 1,
  description: "Hosts that run IPVS and keepalived.",
  items: {
    type: "object",
    properties: {
      host: { type: "string", description: "Name of an entry in `hosts`." },
      interface: { ...ifname, default: "eth0", description: "Interface on the cluster segment (VRRP, VIPs, sync)." },
      priority: { type: "integer", minimum: 1, maximum: 254, description: "VRRP priority (highest wins); distinct per group." },
      state: {
        type: "string",
        enum: ["BACKUP", "MASTER"],
        default: "BACKUP",
        description: "Initial VRRP state. BACKUP everywhere lets priority decide, and is required by nopreempt.",
      },
      mac: {
        ...mac,
        description: "MAC this director transmits from on `interface`. Needed for co-located DR peer rules; discovered on the host when omitted.",
      },
      firewall: {
        type: "string",
        enum: ["nftables", "iptables"],
        description:
          "How this director's fwmark rules are loaded: an nft table of ours (`nftables`), or a chain of ours in iptables' mangle table loaded with `iptables-restore --noflush` (`iptables`, whichever of iptables-nft or iptables-legacy the host's `iptables` alternative selects). Detected on the host when omitted: `iptables` when its `iptables` is iptables-legacy or netfilter-persistent is installed, else `nftables`.",
      },
      unicastPeers: {
        type: "array",
        items: ip,
        description: "VRRP unicast peers (each group uses those of its own family); derived from the other directors when omitted.",
      },
    },
    required: ["host", "priority"],
    additionalProperties: false,
  },
} as const;
