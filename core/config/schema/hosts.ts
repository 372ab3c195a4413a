// `hosts`: every machine the cluster uses, by name.
import { cidr, hostKey, ipv4, name, sysctls } from "./common";
import { sshOverrides } from "./ssh";

export const hosts = {
  type: "array",
  minItems: 1,
  description: "Every machine the cluster uses, by name.",
  items: {
    type: "object",
    properties: {
      name: { ...name, description: "Host name used everywhere else in this config (and as keepalived router_id)." },
      address: { ...ipv4, description: "The host's address on the cluster segment (also used for SSH unless sshAddress is set)." },
      sshAddress: { type: "string", description: "Address or DNS name to SSH to, when it differs from `address`." },
      subnet: { ...cidr, description: "The host's segment, when it differs from the cluster's `subnet`." },
      hostKey: { ...hostKey, description: "Pinned SSH host key fingerprint (as printed by `ssh-keygen -lf`)." },
      ssh: sshOverrides,
      sysctls: { ...sysctls, description: "Extra sysctls for this host, persisted in /etc/sysctl.d." },
    },
    required: ["name", "address"],
    additionalProperties: false,
  },
} as const;
