import { scriptFile } from "../formats/script-file";
// Every path and name pulumi-lvs owns on a host; delete removes exactly these.
export const PATHS = {
  keepalivedConf: "/etc/keepalived/keepalived.conf",
  vrrpAuth: (group: string) => `/etc/keepalived/pulumi-lvs-auth-${group}.conf`,
  modulesLoad: "/etc/modules-load.d/pulumi-lvs.conf",
  modprobe: "/etc/modprobe.d/pulumi-lvs.conf",
  sysctl: "/etc/sysctl.d/90-pulumi-lvs.conf",
  fwmarkNft: "/etc/pulumi-lvs/fwmark.nft",
  fwmarkUnit: "/etc/systemd/system/pulumi-lvs-fwmark.service",
  fwmarkIptables: "/etc/pulumi-lvs/fwmark.rules",
  fwmarkIptablesUnit: "/etc/systemd/system/pulumi-lvs-fwmark-iptables.service",
  vipUnit: "/etc/systemd/system/pulumi-lvs-vip.service",
  /** Scripts pulumi-lvs installs for hooks given as `content` (group and service names pass core/formats/script-file.ts). */
  notifyScript: (group: string, state: string) => `/etc/keepalived/pulumi-lvs-notify-${scriptFile.fileName(group)}-${state}.sh`,
  quorumScript: (service: string, event: string) => `/etc/keepalived/pulumi-lvs-quorum-${scriptFile.fileName(service)}-${event}.sh`,
} as const;

export const NAMES = {
  vipDevice: "lvs0",
  nftTable: "pulumi_lvs",
  fwmarkUnit: "pulumi-lvs-fwmark.service",
  /** The chain of ours in iptables' mangle table (PREROUTING jumps to it) and the unit that loads it. */
  iptablesChain: "PULUMI-LVS",
  fwmarkIptablesUnit: "pulumi-lvs-fwmark-iptables.service",
  vipUnit: "pulumi-lvs-vip.service",
  scriptUser: "keepalived_script",
} as const;

/** Marker every managed file carries in its first line. */
export const MANAGED_MARKER = "Managed by pulumi-lvs";
