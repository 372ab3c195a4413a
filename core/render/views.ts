// The typed view models of keepalived.conf: what its templates print, every value decided before rendering. A
// director's view is kept in its desired state (HostState.keepalived), so an update can render the file again with
// members marked as draining (core/plan/drain.ts).

export interface CheckView {
  block: "TCP_CHECK" | "HTTP_GET" | "SSL_GET" | "MISC_CHECK" | "PING_CHECK" | "UDP_CHECK" | "DNS_CHECK" | "SMTP_CHECK";
  url: { path: string; statusCode: string; digest: string | null } | null;
  /** DNS_CHECK's query. */
  dns: { type: string; name: string } | null;
  /** SMTP_CHECK's HELO name; null = keepalived's default. */
  heloName: string | null;
  miscPath: string | null;
  miscTimeout: number | null;
  /** Connection checks and PING_CHECK; MISC_CHECK has none. */
  connectTimeout: number | null;
  retry: number;
  delayBeforeRetry: number;
}

export interface RealServerView {
  address: string;
  /** null for a fwmark service (it carries no port). */
  port: number | null;
  weight: number;
  /** The port a connection check probes; null when the check opens no connection. */
  connectPort: number | null;
  /** Removed by the update in progress: kept at weight 0 until its connections drain. */
  draining: boolean;
}

export interface VirtualServerView {
  name: string;
  /** `VIP PORT` or `fwmark N`: also the key an update matches virtual servers by. */
  address: string;
  fwmarkNote: string | null;
  delayLoop: number;
  scheduler: string;
  method: "DR" | "NAT" | "TUN";
  /** Omitted for fwmark services (keepalived warns, and its config test fails, when one is given). */
  protocol: string | null;
  persistenceTimeout: number | null;
  persistenceGranularity: string | null;
  quorum: number | null;
  /** Command lines (quoted when written) run when the live weight reaches / falls below the quorum. */
  quorumUp: string | null;
  quorumDown: string | null;
  /** A virtual_server_group: `address` is then `group NAME`, and each entry a `VIP PORT`. */
  group: { name: string; entries: string[] } | null;
  sorryServer: { address: string; port: number | null } | null;
  inhibitOnFailure: boolean;
  alpha: boolean;
  omega: boolean;
  /** The service's one health check, the same for every member but for the port it connects to. */
  check: CheckView | null;
  realServers: RealServerView[];
}

export interface VrrpInstanceView {
  name: string;
  state: "MASTER" | "BACKUP";
  interface: string;
  vrid: number;
  vridDerived: boolean;
  /** `version 3` is written when set; absent (and in views stored by earlier releases) = keepalived's default, 2. */
  version?: 3 | null;
  priority: number;
  advertInt: number;
  nopreempt: boolean;
  preemptDelay: number | null;
  unicastSrc: string;
  unicastPeers: string[];
  authInclude: string | null;
  vips: string[];
  trackScripts: string[];
  /** track_interface entries; weight 0 = FAULT while down (written too, so the file says it). */
  trackInterfaces: { interface: string; weight: number }[];
  /** notify_<state> lines: the command line each runs. */
  notify: { state: "master" | "backup" | "fault" | "stop"; command: string }[];
}

export interface VrrpScriptView {
  name: string;
  script: string;
  interval: number;
  timeout: number | null;
  weight: number;
  fall: number;
  rise: number;
}

export interface KeepalivedView {
  cluster: string;
  host: string;
  routerId: string;
  scriptUser: string;
  garpMasterRefresh: number;
  reloadCheckConfig: boolean;
  sync: { interface: string; instance: string; id: number } | null;
  timeouts: { name: string; seconds: number }[] | null;
  scripts: VrrpScriptView[];
  /** vrrp_sync_group blocks (absent in views stored by earlier releases: none). */
  syncGroups?: { name: string; instances: string[] }[];
  instances: VrrpInstanceView[];
  /** The virtual_server blocks: the same on every director of a cluster (one array, rendered once). */
  virtualServers: VirtualServerView[];
}
