// `vrrp`: the VRRP groups (keepalived vrrp_instance), each carrying the VIPs of the services assigned to it.
import { ifname, name, secretRef } from "./common";
import { hook } from "./hooks";

const trackScript = {
  type: "object",
  properties: {
    name: { ...name, description: "vrrp_script name." },
    script: { type: "string", pattern: '^[^"\\n]+$', description: "Command run as keepalived_script; exit 0 = healthy (no double quotes)." },
    interval: { type: "integer", minimum: 1, maximum: 4294, default: 2, description: "Seconds between runs (keepalived's range ends at 4294)." },
    timeout: { type: "integer", minimum: 1, maximum: 4294, description: "Seconds before a run counts as failed (keepalived's range ends at 4294)." },
    weight: {
      type: "integer",
      minimum: -253,
      maximum: 253,
      default: 0,
      description: "Priority change on failure (negative) or success (positive); 0 = FAULT on failure.",
    },
    fall: { type: "integer", minimum: 1, maximum: 2147483647, default: 2, description: "Failures before the script counts as down." },
    rise: { type: "integer", minimum: 1, maximum: 2147483647, default: 2, description: "Successes before the script counts as up." },
  },
  required: ["name", "script"],
  additionalProperties: false,
} as const;

const trackInterface = {
  type: "object",
  properties: {
    interface: { ...ifname, description: "Interface whose link state is tracked (not the group's own interface: keepalived ignores that)." },
    weight: {
      type: "integer",
      minimum: -253,
      maximum: 253,
      default: 0,
      description: "Priority change while the link is down (negative) or up (positive); 0 = FAULT while it is down.",
    },
  },
  required: ["interface"],
  additionalProperties: false,
} as const;

/** notify_master / notify_backup / notify_fault / notify_stop. */
const notify = {
  type: "object",
  description: "Scripts keepalived runs when this node's instance enters a state (notify_master, notify_backup, notify_fault, notify_stop).",
  properties: {
    master: { ...hook, description: `notify_master. ${hook.description}` },
    backup: { ...hook, description: `notify_backup. ${hook.description}` },
    fault: { ...hook, description: `notify_fault. ${hook.description}` },
    stop: { ...hook, description: `notify_stop (the instance is stopped, e.g. keepalived shuts down). ${hook.description}` },
  },
  additionalProperties: false,
} as const;

export const vrrp = {
  type: "array",
  minItems: 1,
  description: "VRRP groups (keepalived vrrp_instance); each carries the VIPs of the services assigned to it.",
  items: {
    type: "object",
    properties: {
      name: { ...name, description: "vrrp_instance name." },
      virtualRouterId: {
        type: "integer",
        minimum: 1,
        maximum: 255,
        description: "VRID, unique per segment; derived from the cluster and group names when omitted.",
      },
      interface: { ...ifname, description: "Interface for this group; defaults to each director's interface." },
      version: {
        type: "integer",
        enum: [2, 3],
        description: "VRRP version: 2 (keepalived's default) or 3 (RFC 5798). A group carrying IPv6 VIPs runs VRRPv3 (the default for it; 2 is refused).",
      },
      syncGroup: {
        ...name,
        description:
          "Groups naming the same syncGroup form one keepalived vrrp_sync_group and change state together: put the IPv4 and the IPv6 group of a dual-stack service in one, so both VIPs move together.",
      },
      advertInt: {
        type: "integer",
        minimum: 1,
        maximum: 255,
        default: 1,
        description: "Advert interval in whole seconds (VRRPv2 has no sub-second adverts: keepalived rounds them with a warning).",
      },
      nopreempt: { type: "boolean", default: false, description: "A recovered higher-priority node does not take the VIPs back." },
      preemptDelay: { type: "integer", minimum: 0, maximum: 1000, description: "Seconds to wait before preempting." },
      unicast: { type: "boolean", default: true, description: "Send adverts unicast to the peers instead of multicast." },
      priorities: {
        type: "object",
        additionalProperties: { type: "integer", minimum: 1, maximum: 254 },
        description: "Per-director priority overrides for this group, by host name.",
      },
      auth: {
        type: "object",
        description: "VRRPv2 PASS authentication (obsolete in RFC 3768; an isolated segment is the real protection).",
        properties: { password: { ...secretRef, description: "Password (max 8 characters) as a secret reference." } },
        required: ["password"],
        additionalProperties: false,
      },
      strict: { type: "boolean", default: false, description: "keepalived vrrp_strict. Refused: it installs rules that drop VIP traffic." },
      trackScripts: {
        type: "array",
        default: [],
        description: "Scripts whose failure lowers this node's priority (weight) or puts the group in FAULT (weight 0).",
        items: trackScript,
      },
      trackInterfaces: {
        type: "array",
        default: [],
        description: "Interfaces whose link state changes this node's priority (weight) or puts the group in FAULT (weight 0) while down (track_interface).",
        items: trackInterface,
      },
      notify,
    },
    required: ["name"],
    additionalProperties: false,
  },
} as const;
