// The one JSON Schema of the stack config value `pulumi-lvs:cluster`; the TypeScript types are derived from it.
import type { FromSchema } from "json-schema-to-ts";

const name = { type: "string", pattern: "^[A-Za-z][A-Za-z0-9_.-]{0,62}$" } as const;
const ipv4 = { type: "string", format: "ipv4" } as const;
const octet = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
/** Octets 0..255 and a prefix 0..32: a CIDR that parses (a looser pattern let 10.0.0.0/40 through to confusing subnet errors). */
const cidr = { type: "string", pattern: `^(${octet}\\.){3}${octet}/(3[0-2]|[12]?\\d)$` } as const;
const mac = { type: "string", pattern: "^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$" } as const;
const ifname = { type: "string", pattern: "^[A-Za-z0-9_.@-]{1,15}$" } as const;

/** A secret is never written inline: it names another config key set with `pulumi config set --secret`. */
const secretRef = {
  type: "object",
  description:
    "Reference to a secret stack config key, e.g. `{ secret: vrrpPassword }` for `pulumi config set --secret pulumi-lvs:vrrpPassword …`.",
  properties: {
    secret: { type: "string", pattern: "^[A-Za-z][A-Za-z0-9_.-]*$", description: "Config key (in this project's namespace) holding the secret." },
  },
  required: ["secret"],
  additionalProperties: false,
} as const;

const sshSettings = {
  user: { type: "string", description: "SSH login user; non-root users need passwordless sudo (checked with `sudo -n true` first)." },
  port: { type: "integer", minimum: 1, maximum: 65535, description: "SSH port." },
  privateKey: { ...secretRef, description: "SSH private key (PEM/OpenSSH text) as a secret config reference." },
  privateKeyFile: { type: "string", description: "Path to an SSH private key file on the machine running pulumi." },
  password: { ...secretRef, description: "SSH password as a secret config reference." },
  agent: { type: "boolean", description: "Authenticate through the ssh-agent at $SSH_AUTH_SOCK." },
  knownHostsFile: { type: "string", description: "known_hosts file used to verify host keys (OpenSSH format)." },
  trustOnFirstUse: {
    type: "boolean",
    description: "Accept and record an unknown host key on first contact. Off by default: unknown keys are refused.",
  },
  connectTimeoutSeconds: { type: "integer", minimum: 1, maximum: 600, description: "Deadline for one SSH connect attempt." },
  commandTimeoutSeconds: { type: "integer", minimum: 1, maximum: 3600, description: "Deadline for one batch of commands." },
  bastion: {
    type: "object",
    description: "Jump host the connection goes through.",
    properties: {
      address: { type: "string", description: "Bastion address or DNS name." },
      port: { type: "integer", minimum: 1, maximum: 65535, default: 22, description: "Bastion SSH port." },
      user: { type: "string", description: "Bastion login user (defaults to the host's user)." },
      hostKey: { type: "string", pattern: "^SHA256:[A-Za-z0-9+/]{43}=?$", description: "Pinned bastion host key fingerprint." },
    },
    required: ["address"],
    additionalProperties: false,
  },
} as const;

const healthCheck = {
  type: "object",
  description: "How keepalived decides whether a real server is up.",
  properties: {
    type: {
      type: "string",
      enum: ["TCP", "HTTP", "SSL", "MISC", "NONE"],
      default: "TCP",
      description: "TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, or NONE (always up).",
    },
    port: { type: "integer", minimum: 1, maximum: 65535, description: "Port probed; defaults to the real server's port." },
    path: { type: "string", pattern: "^/[^\\s\"]*$", default: "/", description: "HTTP/SSL: URL path requested." },
    statusCode: { type: "string", pattern: "^\\d{3}(-\\d{3})?$", default: "200-299", description: "HTTP/SSL: accepted status code or range." },
    digest: { type: "string", pattern: "^[0-9a-f]{32}$", description: "HTTP/SSL: expected MD5 digest of the body (from `genhash`)." },
    script: { type: "string", pattern: '^[^"\\n]+$', description: "MISC: command run by keepalived_script; exit 0 = up (no double quotes)." },
    scriptTimeout: { type: "integer", minimum: 1, default: 5, description: "MISC: seconds before the script counts as failed." },
    delayLoop: { type: "integer", minimum: 1, maximum: 3600, default: 5, description: "Seconds between checks (keepalived's own default, 60, is too slow)." },
    retry: { type: "integer", minimum: 0, maximum: 100, default: 2, description: "Failed checks before a real server is removed." },
    delayBeforeRetry: { type: "integer", minimum: 1, maximum: 600, default: 2, description: "Seconds between retries." },
    connectTimeout: { type: "integer", minimum: 1, maximum: 600, default: 3, description: "Seconds to wait for a connection." },
  },
  additionalProperties: false,
} as const;

export const clusterSchema = {
  $id: "https://pulumi-lvs.dev/schema/cluster.json",
  title: "pulumi-lvs cluster",
  description: "One LVS (IPVS) + keepalived cluster: hosts, directors, real servers, VRRP groups and virtual services.",
  type: "object",
  properties: {
    name: { ...name, description: "Cluster name; seeds derived VRRP router ids and names managed objects." },
    subnet: {
      ...cidr,
      description: "The L2 segment (CIDR) shared by directors and DR/TUN real servers; used to check DR reachability.",
    },
    ssh: {
      type: "object",
      description: "SSH settings shared by every host (each host may override them).",
      properties: {
        ...sshSettings,
        user: { ...sshSettings.user, default: "root" },
        port: { ...sshSettings.port, default: 22 },
        trustOnFirstUse: { ...sshSettings.trustOnFirstUse, default: false },
        connectTimeoutSeconds: { ...sshSettings.connectTimeoutSeconds, default: 20 },
        commandTimeoutSeconds: { ...sshSettings.commandTimeoutSeconds, default: 300 },
      },
      additionalProperties: false,
      default: {},
    },
    hosts: {
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
          hostKey: {
            type: "string",
            pattern: "^SHA256:[A-Za-z0-9+/]{43}=?$",
            description: "Pinned SSH host key fingerprint (as printed by `ssh-keygen -lf`).",
          },
          ssh: { type: "object", properties: sshSettings, additionalProperties: false, description: "Per-host SSH overrides." },
          sysctls: {
            type: "object",
            additionalProperties: { type: ["string", "integer"] },
            default: {},
            description: "Extra sysctls for this host, persisted in /etc/sysctl.d.",
          },
        },
        required: ["name", "address"],
        additionalProperties: false,
      },
    },
    directors: {
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
            description:
              "MAC this director transmits from on `interface`. Needed for co-located DR peer rules; discovered on the host when omitted.",
          },
          unicastPeers: {
            type: "array",
            items: ipv4,
            description: "VRRP unicast peers; derived from the other directors when omitted.",
          },
        },
        required: ["host", "priority"],
        additionalProperties: false,
      },
    },
    realServers: {
      type: "array",
      default: [],
      description:
        "Per-real-server settings. Any host named as a service member is a real server; list it here only to set options.",
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
    },
    vrrp: {
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
            items: {
              type: "object",
              properties: {
                name: { ...name, description: "vrrp_script name." },
                script: { type: "string", pattern: '^[^"\\n]+$', description: "Command run as keepalived_script; exit 0 = healthy (no double quotes)." },
                interval: { type: "integer", minimum: 1, default: 2, description: "Seconds between runs." },
                timeout: { type: "integer", minimum: 1, description: "Seconds before a run counts as failed." },
                weight: {
                  type: "integer",
                  minimum: -253,
                  maximum: 253,
                  default: 0,
                  description: "Priority change on failure (negative) or success (positive); 0 = FAULT on failure.",
                },
                fall: { type: "integer", minimum: 1, default: 2, description: "Failures before the script counts as down." },
                rise: { type: "integer", minimum: 1, default: 2, description: "Successes before the script counts as up." },
              },
              required: ["name", "script"],
              additionalProperties: false,
            },
          },
        },
        required: ["name"],
        additionalProperties: false,
      },
    },
    services: {
      type: "array",
      minItems: 1,
      description: "Virtual services (keepalived virtual_server).",
      items: {
        type: "object",
        properties: {
          name: { ...name, description: "Service name (used in comments and managed object names)." },
          vip: { ...ipv4, description: "Virtual IP clients connect to." },
          port: { type: "integer", minimum: 1, maximum: 65535, description: "Virtual port (omit only for fwmark services)." },
          protocol: { type: "string", enum: ["TCP", "UDP", "SCTP"], default: "TCP", description: "Transport protocol." },
          ports: {
            type: "array",
            items: { type: "integer", minimum: 1, maximum: 65535 },
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
          healthCheck: { ...healthCheck, default: {} },
          realServers: {
            type: "array",
            minItems: 1,
            description: "Members of the service.",
            items: {
              type: "object",
              properties: {
                host: { type: "string", description: "Name of an entry in `hosts`." },
                port: { type: "integer", minimum: 1, maximum: 65535, description: "Real port; NAT may remap, DR/TUN must not." },
                weight: { type: "integer", minimum: 0, maximum: 65535, default: 1, description: "Share of new connections; 0 drains." },
              },
              required: ["host"],
              additionalProperties: false,
            },
          },
        },
        required: ["name", "vip", "realServers"],
        additionalProperties: false,
      },
    },
    sync: {
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
    },
    ipvs: {
      type: "object",
      description: "Kernel IPVS settings on the directors.",
      properties: {
        connTabBits: {
          type: "integer",
          minimum: 8,
          maximum: 20,
          default: 12,
          description: "ip_vs conn_tab_bits (hash table of 2^N buckets). Applies when the module is (re)loaded.",
        },
        timeouts: {
          type: "object",
          description: "IPVS connection timeouts in seconds (keepalived lvs_timeouts).",
          properties: {
            tcp: { type: "integer", minimum: 1 },
            tcpfin: { type: "integer", minimum: 1 },
            udp: { type: "integer", minimum: 1 },
          },
          additionalProperties: false,
        },
        expireNodestConn: { type: "boolean", default: true, description: "net.ipv4.vs.expire_nodest_conn: drop connections to removed servers at once." },
        expireQuiescentTemplate: {
          type: "boolean",
          default: true,
          description: "net.ipv4.vs.expire_quiescent_template: persistence does not stick to a weight-0 server.",
        },
        sloppyTcp: { type: "boolean", default: false, description: "net.ipv4.vs.sloppy_tcp: pick up mid-stream TCP after failover." },
      },
      additionalProperties: false,
      default: {},
    },
    sysctls: {
      type: "object",
      additionalProperties: { type: ["string", "integer"] },
      default: {},
      description: "Extra sysctls for every host, persisted in /etc/sysctl.d.",
    },
    reservedVirtualRouterIds: {
      type: "array",
      items: { type: "integer", minimum: 1, maximum: 255 },
      default: [],
      description: "VRIDs already used by others on the segment (found with `tcpdump -ni IF 'ip proto 112'`); never chosen or allowed.",
    },
  },
  required: ["name", "hosts", "directors", "vrrp", "services"],
  additionalProperties: false,
} as const;

/** The cluster config after schema validation with defaults applied. */
export type ClusterConfig = FromSchema<typeof clusterSchema>;
export type HostConfig = ClusterConfig["hosts"][number];
export type DirectorConfig = ClusterConfig["directors"][number];
export type RealServerConfig = ClusterConfig["realServers"][number];
export type VrrpConfig = ClusterConfig["vrrp"][number];
export type TrackScriptConfig = VrrpConfig["trackScripts"][number];
export type ServiceConfig = ClusterConfig["services"][number];
export type MemberConfig = ServiceConfig["realServers"][number];
export type HealthCheckConfig = ServiceConfig["healthCheck"];
export type SshConfig = ClusterConfig["ssh"];
export type SecretRef = { secret: string };
