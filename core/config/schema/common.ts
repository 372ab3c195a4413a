// Value shapes shared by several blocks of the stack config: names, addresses, interface names, secret references.
export const name = { type: "string", pattern: "^[A-Za-z][A-Za-z0-9_.-]{0,62}$" } as const;
export const ipv4 = { type: "string", format: "ipv4" } as const;
/** An IPv4 or an IPv6 address (the "ip" and "ipv6" formats are core/model/ip.ts, registered in validate-schema.ts). */
export const ip = { type: "string", format: "ip" } as const;
export const ipv6 = { type: "string", format: "ipv6" } as const;
const octet = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
/** Octets 0..255 and a prefix 0..32: a CIDR that parses (a looser pattern let 10.0.0.0/40 through to confusing subnet errors). */
export const cidr = { type: "string", pattern: `^(${octet}\\.){3}${octet}/(3[0-2]|[12]?\\d)$` } as const;
/** An IPv4 CIDR (as `cidr`) or an IPv6 prefix such as fd77::/64. */
export const prefix = { type: "string", format: "prefix" } as const;
export const prefix6 = { type: "string", format: "prefix6" } as const;
export const mac = { type: "string", pattern: "^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$" } as const;
export const ifname = { type: "string", pattern: "^[A-Za-z0-9_.@-]{1,15}$" } as const;
export const port = { type: "integer", minimum: 1, maximum: 65535 } as const;
export const hostKey = { type: "string", pattern: "^SHA256:[A-Za-z0-9+/]{43}=?$" } as const;
/** Extra sysctls, by key; values are written as given. */
export const sysctls = { type: "object", additionalProperties: { type: ["string", "integer"] }, default: {} } as const;

/** A secret is never written inline: it names another config key set with `pulumi config set --secret`. */
export const secretRef = {
  type: "object",
  description:
    "Reference to a secret stack config key, e.g. `{ secret: vrrpPassword }` for `pulumi config set --secret pulumi-lvs:vrrpPassword …`.",
  properties: {
    secret: { type: "string", pattern: "^[A-Za-z][A-Za-z0-9_.-]*$", description: "Config key (in this project's namespace) holding the secret." },
  },
  required: ["secret"],
  additionalProperties: false,
} as const;
