// `hosts`: every machine the cluster uses, by name.
import { hostKey, ip, ipv6, name, prefix, prefix6, sysctls } from "./common";
import { sshOverrides } from "./ssh";

export const hosts = {
  type: "array",
  minItems: 1,
  description: "Every machine the cluster uses, by name.",
  items: {
    type: "object",
    properties: {
      name: { ...name, description: "Host name used everywhere else in this config (and as keepalived router_id)." },
      address: { ...ip, description: "The host's address on the cluster segment, IPv4 or IPv6 (also used for SSH unless sshAddress is set)." },
      address6: {
        ...ipv6,
        description:
          "A dual-stack host's IPv6 address on the cluster segment, beside an IPv4 `address`: IPv6 services reach it as a real server, IPv6 VRRP groups peer with it.",
      },
      sshAddress: { type: "string", description: "Address or DNS name to SSH to, when it differs from `address`." },
      subnet: { ...prefix, description: "The segment of `address`, when it differs from the cluster's `subnet`." },
      subnet6: { ...prefix6, description: "The IPv6 segment of `address6`, when it differs from the cluster's `subnet6`." },
      hostKey: { ...hostKey, description: "Pinned SSH host key fingerprint (as printed by `ssh-keygen -lf`)." },
      ssh: sshOverrides,
      sysctls: { ...sysctls, description: "Extra sysctls for this host, persisted in /etc/sysctl.d." },
    },
    required: ["name", "address"],
    additionalProperties: false,
  },
} as const;
