// The fuzz test's base cluster: every field of the schema set somewhere it is rendered (an HTTP, an SSL, a MISC, a
// TCP, a DNS, an SMTP, a PING and a UDP check; notify and quorum hooks, installed and not; a sorry server, group VIPs;
// DR, NAT, TUN and co-located DR; two VRRP groups with track scripts, track interfaces, auth, overrides; sync; every
// ssh setting), with values that are unique across the rendered files so a changed value can be followed to where it
// lands. Nothing is left to discover on hosts, so every file renders.

const HOST_KEY = "SHA256:fzAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const SSH = {
  user: "fzsshuser",
  port: 2201,
  privateKey: { secret: "fzSshKey" },
  privateKeyFile: "/fz/id_fz",
  password: { secret: "fzSshPass" },
  agent: false,
  knownHostsFile: "/fz/known_hosts",
  trustOnFirstUse: false,
  connectTimeoutSeconds: 21,
  commandTimeoutSeconds: 301,
  bastion: { address: "fzbastion.example", port: 2202, user: "fzbastionuser", hostKey: HOST_KEY },
};

export function fuzzFixture(): Record<string, any> {
  return {
    name: "fzcluster",
    subnet: "10.77.0.0/24",
    ssh: SSH,
    hosts: [
      { name: "fzdira", address: "10.77.0.11", sshAddress: "fzssh-a.example", subnet: "10.77.0.0/24", hostKey: HOST_KEY, ssh: SSH, sysctls: { "net.core.fzhkey": "fzhval" } },
      { name: "fzdirb", address: "10.77.0.12" },
      { name: "fzrsa", address: "10.77.0.21" },
      { name: "fzrsb", address: "10.77.0.22" },
    ],
    directors: [
      { host: "fzdira", interface: "ethfza", priority: 150, state: "BACKUP", mac: "52:54:00:fa:00:01", unicastPeers: ["10.77.0.19"], firewall: "iptables" },
      { host: "fzdirb", interface: "ethfzb", priority: 100, mac: "52:54:00:fa:00:02", firewall: "nftables" },
    ],
    realServers: [
      { host: "fzrsa", interface: "ethfzr" },
      { host: "fzrsb", interface: "ethfzs" },
      { host: "fzdirb", interface: "ethfzc" },
    ],
    vrrp: [
      {
        name: "VI_FZA",
        virtualRouterId: 201,
        interface: "ethfzv",
        advertInt: 3,
        nopreempt: false,
        preemptDelay: 37,
        unicast: true,
        priorities: { fzdirb: 110 },
        auth: { password: { secret: "fzVrrpPass" } },
        strict: false,
        trackScripts: [{ name: "fzchka", script: "/bin/true fzscripta", interval: 4, timeout: 6, weight: 0, fall: 7, rise: 8 }],
        trackInterfaces: [{ interface: "ethfzt", weight: 0 }],
        notify: {
          master: { content: "#!/bin/sh\nlogger fzcontentmaster\n" },
          backup: { script: "/bin/true fznotifybackup" },
          fault: { content: "#!/bin/sh\nlogger fzcontentfault\n" },
          stop: { script: "/bin/true fznotifystop" },
        },
      },
      { name: "VI_FZB", virtualRouterId: 202, unicast: false, trackScripts: [{ name: "fzchkb", script: "/bin/true fzscriptb" }] },
    ],
    services: [
      {
        name: "fzsvchttp",
        vip: "10.77.0.201",
        port: 8081,
        protocol: "TCP",
        scheduler: "wrr",
        forwarding: "DR",
        persistence: { timeout: 333, granularity: "255.255.255.0" },
        vrrp: "VI_FZA",
        quorum: 1,
        quorumUp: { content: "#!/bin/sh\nlogger fzcontentup\n" },
        quorumDown: { script: "/bin/true fzquorumdown" },
        groupVips: ["10.77.0.205"],
        alpha: true,
        omega: true,
        inhibitOnFailure: true,
        healthCheck: { type: "HTTP", port: 8091, path: "/fzpath", statusCode: "201-299", delayLoop: 9, retry: 11, delayBeforeRetry: 12, connectTimeout: 13 },
        realServers: [{ host: "fzrsa", weight: 500 }, { host: "fzrsb" }],
      },
      {
        name: "fzsvcssl",
        vip: "10.77.0.202",
        port: 8443,
        scheduler: "lc",
        forwarding: "NAT",
        vrrp: "VI_FZA",
        healthCheck: { type: "SSL", path: "/fzsslpath", digest: "0123456789abcdef0123456789abcdef" },
        sorryServer: { host: "fzrsb", port: 9444 },
        realServers: [{ host: "fzrsa", port: 9443 }],
      },
      {
        name: "fzsvcdns",
        vip: "10.77.0.206",
        port: 5353,
        protocol: "UDP",
        vrrp: "VI_FZA",
        healthCheck: { type: "DNS", queryType: "MX", queryName: "fzquery.example.", port: 5354, connectTimeout: 15, retry: 16, delayBeforeRetry: 17, delayLoop: 18 },
        realServers: [{ host: "fzrsa" }],
      },
      {
        name: "fzsvcsmtp",
        vip: "10.77.0.206",
        port: 2525,
        vrrp: "VI_FZA",
        healthCheck: { type: "SMTP", heloName: "fzhelo.example", port: 2526 },
        realServers: [{ host: "fzrsa" }],
      },
      {
        name: "fzsvcping",
        vip: "10.77.0.206",
        port: 8085,
        vrrp: "VI_FZA",
        healthCheck: { type: "PING", connectTimeout: 19 },
        realServers: [{ host: "fzrsa" }],
      },
      {
        name: "fzsvcudp",
        vip: "10.77.0.206",
        port: 5140,
        protocol: "UDP",
        vrrp: "VI_FZA",
        healthCheck: { type: "UDP", port: 5141 },
        realServers: [{ host: "fzrsa" }],
      },
      {
        name: "fzsvcmisc",
        vip: "10.77.0.203",
        port: 8082,
        forwarding: "TUN",
        vrrp: "VI_FZB",
        healthCheck: { type: "MISC", script: "/bin/true fzmisc", scriptTimeout: 14 },
        realServers: [{ host: "fzrsb" }],
      },
      {
        name: "fzsvcmark",
        vip: "10.77.0.204",
        fwmark: 77,
        ports: [8083, 8084],
        protocol: "TCP",
        vrrp: "VI_FZB",
        healthCheck: { type: "TCP", port: 8083 },
        realServers: [{ host: "fzrsa" }, { host: "fzdirb" }],
      },
    ],
    sync: { enabled: true, interface: "ethfzy", vrrp: "VI_FZB", id: 42 },
    ipvs: { connTabBits: 15, timeouts: { tcp: 901, tcpfin: 121, udp: 302 }, expireNodestConn: true, expireQuiescentTemplate: true, sloppyTcp: false },
    sysctls: { "net.core.fzckey": "fzcval" },
    reservedVirtualRouterIds: [9],
  };
}

/** The secret each `{ secret: … }` reference names, whatever the key is called: a valid but hostile VRRP password. */
export const FIXTURE_PASSWORD = "Fz#9!{x}";

/**
 * Fields whose value other fields refer to by equality: renaming one renames its references (as a user would), so a
 * benign new name is not mistaken for a broken reference.
 */
export const REFERENCES: Record<string, readonly (readonly string[])[]> = {
  "hosts.[].name": [
    ["directors", "[]", "host"],
    ["realServers", "[]", "host"],
    ["services", "[]", "realServers", "[]", "host"],
    ["services", "[]", "sorryServer", "host"],
    ["vrrp", "[]", "priorities", "{key}"],
  ],
  "vrrp.[].name": [
    ["services", "[]", "vrrp"],
    ["sync", "vrrp"],
  ],
};
