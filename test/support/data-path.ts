// Data-path helpers for the end-to-end scenarios: requests from the client c1, IPVS tables and stats read on the
// directors, polling with deadlines, and cluster configs built over the lab's hosts.
import assert from "node:assert/strict";
import type { LabState } from "../../lab/state";
import { labDrCluster, must, onHost } from "./lab-session";

export const CLIENT = "c1";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RequestResult {
  /** Replies per answering host name (the lab web app answers with its host's name). */
  counts: Record<string, number>;
  /** Failed requests (curl exit code ≠ 0 or empty body), with the curl exit codes. */
  errors: string[];
  total: number;
  seconds: number;
}

/**
 * Sends `n` sequential requests from c1 over one ssh call (`curl -s --max-time …` in a loop) and counts who answered.
 * Every line of output is one request: the body (a host name) or `ERR:<curl exit>`.
 */
export async function requestsFromClient(lab: LabState, url: string, n: number, maxTime = 2): Promise<RequestResult> {
  // -g: an IPv6 URL's brackets are the address, not a curl glob.
  const script = `for i in $(seq 1 ${n}); do r=$(curl -gs --max-time ${maxTime} ${url}) || r="ERR:$?"; echo "\${r:-ERR:empty}"; done`;
  const t0 = Date.now();
  const out = await must(lab, CLIENT, script);
  const seconds = (Date.now() - t0) / 1000;
  const lines = out.trim().split("\n").map((l) => l.trim());
  assert.equal(lines.length, n, `c1: expected ${n} reply lines, got ${lines.length}:\n${out}`);
  const counts: Record<string, number> = {};
  const errors: string[] = [];
  for (const l of lines) {
    if (l.startsWith("ERR:")) errors.push(l);
    else counts[l] = (counts[l] ?? 0) + 1;
  }
  return { counts, errors, total: n, seconds };
}

export function formatCounts(counts: Record<string, number>): string {
  return Object.keys(counts)
    .sort()
    .map((k) => `${k}=${counts[k]}`)
    .join(" ");
}

export interface IpvsRow {
  /** `TCP 10.77.0.100:80` or `FWM 1` for a service; `10.77.0.21:80` for a real server. */
  key: string;
  conns: number;
  inPkts: number;
  outPkts: number;
  inBytes: number;
  outBytes: number;
}

export interface IpvsStats {
  service: IpvsRow;
  realServers: IpvsRow[];
}

/** `ipvsadm -Ln --stats --exact` for one service (`-t VIP:PORT` or `-f MARK`), parsed. */
export async function ipvsStats(lab: LabState, host: string, service: string): Promise<IpvsStats> {
  // The kernel folds its per-CPU counters into these totals on its 2 s estimator tick: wait one tick.
  const out = await must(lab, host, `sleep 2.2; ipvsadm -Ln --stats --exact ${service}`);
  const rows: IpvsRow[] = [];
  for (const line of out.split("\n")) {
    const m = /^\s*(?:->\s+)?((?:TCP|UDP|SCTP|FWM)\s+\S+|\d+\.\d+\.\d+\.\d+:\d+|\[[0-9a-f:]+\]:\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (m) rows.push({ key: m[1].replace(/\s+/, " "), conns: +m[2], inPkts: +m[3], outPkts: +m[4], inBytes: +m[5], outBytes: +m[6] });
  }
  assert.ok(rows.length > 0 && /^(TCP|UDP|SCTP|FWM) /.test(rows[0].key), `${host}: no IPVS service ${service} in:\n${out}`);
  return { service: rows[0], realServers: rows.slice(1) };
}

export interface IpvsDest {
  address: string;
  forward: string;
  weight: number;
}

const ABSENT = "@@no-such-service";

/**
 * Real servers of one service as IPVS has them now (`ipvsadm -Ln <service>`), or undefined when IPVS has no such
 * service. Any other failure (ssh, ipvsadm missing, ip_vs not loaded) throws: an error is never an empty list.
 */
export async function ipvsDestsIfPresent(lab: LabState, host: string, service: string): Promise<IpvsDest[] | undefined> {
  // ipvsadm exits 1 for a missing service ("No such service" / "Memory allocation problem" by version); the table
  // listing then tells a missing service from a broken ipvsadm, so only a readable table without it is "absent".
  const out = await must(lab, host, `ipvsadm -Ln ${service} 2>/dev/null || { ipvsadm -Ln >/dev/null && echo ${ABSENT}; }`);
  if (out.trim() === ABSENT) return undefined;
  return [...out.matchAll(/->\s+(\d+\.\d+\.\d+\.\d+:\d+|\[[0-9a-f:]+\]:\d+)\s+(\w+)\s+(\d+)/g)].map((m) => ({ address: m[1], forward: m[2], weight: +m[3] }));
}

/** Real servers of one service as IPVS has them now; fails when the service is absent or cannot be read. */
export async function ipvsDests(lab: LabState, host: string, service: string): Promise<IpvsDest[]> {
  const dests = await ipvsDestsIfPresent(lab, host, service);
  assert.ok(dests, `${host}: IPVS has no service ${service}`);
  return dests;
}

/** Polls `probe` until it returns a value other than undefined; fails naming `what` after `seconds`. */
export async function waitFor<T>(what: string, seconds: number, probe: () => Promise<T | undefined>, everyMs = 250): Promise<{ value: T; seconds: number }> {
  const t0 = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return { value, seconds: (Date.now() - t0) / 1000 };
    if (Date.now() - t0 > seconds * 1000) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Directors holding `vip` on their cluster interface. */
export async function vipHolders(lab: LabState, vip: string, directors = ["d1", "d2"]): Promise<string[]> {
  const out: string[] = [];
  const family = vip.includes(":") ? "-6" : "-4";
  for (const d of directors) if ((await must(lab, d, `ip -o ${family} addr show dev ${lab.hosts[d].interface}`)).includes(` ${vip}/`)) out.push(d);
  return out;
}

/** Waits until exactly `want` holds the VIP and its IPVS service lists the expected real servers (address:port). */
export async function waitForDataPath(lab: LabState, opts: { vip: string; service: string; dests: string[]; master?: string; seconds?: number }): Promise<number> {
  const master = opts.master ?? "d1";
  const want = [...opts.dests].sort().join(",");
  let last = "";
  try {
    const { seconds } = await waitFor(`${master} to hold ${opts.vip} with IPVS ${opts.service} -> ${want}`, opts.seconds ?? 60, async () => {
      const holders = await vipHolders(lab, opts.vip);
      // A want without a port compares addresses only (fwmark services list real servers as ADDR:0).
      const dests = ((await ipvsDestsIfPresent(lab, master, opts.service)) ?? []).map((d) => (opts.dests.every((w) => w.includes(":")) ? d.address : d.address.split(":")[0])).sort().join(",");
      last = `holders [${holders.join(",")}], ${master} IPVS ${opts.service}: [${dests}]`;
      return holders.length === 1 && holders[0] === master && dests === want ? true : undefined;
    }, 500);
    return seconds;
  } catch (e) {
    const detail = await must(lab, master, "ipvsadm -Ln; ip -o -4 addr; systemctl status keepalived --no-pager -n 15 || true");
    throw new Error(`${(e as Error).message}; last seen: ${last}\n${master}:\n${detail}`);
  }
}

export interface ServiceSpec {
  vip: string;
  port?: number;
  scheduler: string;
  forwarding?: "DR" | "NAT" | "TUN";
  healthCheck?: Record<string, unknown>;
  realServers: { host: string; weight?: number; port?: number }[];
}

/**
 * A cluster over the lab's hosts: directors d1 (150) and d2 (100), VRRP group VI_IT, one service. Hosts are the
 * directors plus every member. `realServerSettings` goes to the top-level `realServers` (interfaces).
 */
export function labCluster(lab: LabState, service: ServiceSpec, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const members = service.realServers.map((r) => ({ host: r.host, weight: r.weight ?? 1, ...(r.port ? { port: r.port } : {}) }));
  const base = labDrCluster(lab, { realServers: members.filter((m) => m.host !== "d1" && m.host !== "d2"), vip: service.vip, extra });
  const [svc] = base.services as Record<string, unknown>[];
  base.services = [
    {
      ...svc,
      port: service.port ?? 80,
      scheduler: service.scheduler,
      forwarding: service.forwarding ?? "DR",
      healthCheck: service.healthCheck ?? { type: "NONE" },
      realServers: members,
    },
  ];
  return base;
}

export function labAddress(lab: LabState, host: string): string {
  return lab.hosts[host].address;
}

const MANAGED = [
  "/etc/keepalived/keepalived.conf",
  "/etc/modules-load.d/pulumi-lvs.conf",
  "/etc/modprobe.d/pulumi-lvs.conf",
  "/etc/sysctl.d/90-pulumi-lvs.conf",
  "/etc/systemd/system/pulumi-lvs-vip.service",
  "/etc/systemd/system/pulumi-lvs-fwmark.service",
  "/etc/pulumi-lvs/fwmark.nft",
  // Hook scripts pulumi-lvs installs (a glob: the loop below skips it when nothing matches).
  "/etc/keepalived/pulumi-lvs-*.sh",
];

/** What a scenario must leave as it found: managed files, addresses, links, nft table, IPVS table and modules, sync daemons, web app, routes. */
export async function hostSnapshot(lab: LabState, host: string): Promise<string> {
  return must(
    lab,
    host,
    [
      `for f in ${MANAGED.join(" ")}; do [ -e "$f" ] && sha256sum "$f"; done`,
      "[ -d /etc/pulumi-lvs ] && echo /etc/pulumi-lvs/",
      "sysctl -e net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce net.ipv4.conf.all.rp_filter net.ipv4.ip_forward",
      "ip -o -4 addr show | awk '{print $2, $4}'",
      "ip -o -6 addr show scope global | awk '{print $2, $4}'",
      "ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^(lvs0|tunl0)$' || true",
      "ip -4 route show; ip rule show",
      "nft list tables 2>/dev/null || true",
      "cat /proc/net/ip_vs 2>/dev/null | tail -n +4",
      "grep -E '^ip_vs' /proc/modules | cut -d' ' -f1 | sort",
      "if grep -qs '^ip_vs ' /proc/modules; then ipvsadm -L --daemon 2>/dev/null; fi",
      "systemctl is-active lab-web 2>/dev/null || true",
    ].join("; "),
  );
}

/** Every host's snapshot, read at once (one ssh connection each): a scenario's set-up and its end wait for the slowest. */
export async function snapshotAll(lab: LabState, hosts: string[]): Promise<Map<string, string>> {
  const snapshots = await Promise.all(hosts.map((h) => hostSnapshot(lab, h)));
  return new Map(hosts.map((h, i) => [h, snapshots[i]]));
}

/** Traces of a pulumi-lvs deployment or a lab web app in a snapshot (see hostSnapshot). */
export function deploymentTraces(snapshot: string): string[] {
  return snapshot.split("\n").filter((l) => /\/etc\/|^lvs0$|pulumi_lvs|^(TCP|UDP|FWM)\s|^\s+->|^active$|\/(32|128)$/.test(l));
}

/**
 * Every host must be back where the scenario found it. The lab is shared: when a host already carried another
 * session's deployment at the start (the provider adopts it, and destroy removes it), it must at least be clean.
 */
export async function assertBaseline(lab: LabState, baseline: Map<string, string>, log: (l: string) => void = () => undefined): Promise<void> {
  const current = await snapshotAll(lab, [...baseline.keys()]);
  for (const [h, before] of baseline) {
    const now = current.get(h)!;
    if (deploymentTraces(before).length === 0) assert.equal(now, before, `${h} is not back to its baseline`);
    else {
      log(`${h} was not at baseline when the scenario started (${deploymentTraces(before).join(", ")}); checking it is clean now`);
      assert.deepEqual(deploymentTraces(now), [], `${h} still carries deployment traces:\n${now}`);
    }
  }
}

/**
 * Runs `during` while c1 captures the packets it receives from `vip`:`port`; returns how many came from each source
 * MAC (named by lab host where known) and c1's ARP entry for the VIP (where c1 sends its requests).
 */
export async function replyMacsOnClient<T>(lab: LabState, vip: string, port: number, during: () => Promise<T>): Promise<{ result: T; byHost: Record<string, number>; vipNeighbour: string }> {
  const start = [
    "rm -f /tmp/e2e-cap /tmp/e2e-cap.err /tmp/e2e-cap.pid",
    `tcpdump -i ${lab.hosts[CLIENT].interface} -nn -e -l -Q in 'tcp and src host ${vip} and src port ${port}' >/tmp/e2e-cap 2>/tmp/e2e-cap.err & echo $! >/tmp/e2e-cap.pid`,
    "for i in $(seq 1 100); do grep -q listening /tmp/e2e-cap.err && exit 0; sleep 0.1; done; cat /tmp/e2e-cap.err; exit 1",
  ].join("\n");
  await must(lab, CLIENT, start);
  let result: T;
  try {
    result = await during();
  } finally {
    await onHost(lab, CLIENT, "sleep 0.5; kill $(cat /tmp/e2e-cap.pid) 2>/dev/null; sleep 0.3");
  }
  const out = await must(lab, CLIENT, `awk '{print $2}' /tmp/e2e-cap | sort | uniq -c; rm -f /tmp/e2e-cap /tmp/e2e-cap.err /tmp/e2e-cap.pid; ip neigh show ${vip}`);
  const byHost: Record<string, number> = {};
  for (const m of out.matchAll(/^\s*(\d+)\s+([0-9a-f:]{17})$/gm)) {
    const name = Object.values(lab.hosts).find((h) => h.mac.toLowerCase() === m[2])?.name ?? m[2];
    byHost[name] = Number(m[1]);
  }
  const mac = /lladdr ([0-9a-f:]{17})/.exec(out)?.[1];
  const vipNeighbour = Object.values(lab.hosts).find((h) => h.mac.toLowerCase() === mac)?.name ?? mac ?? "none";
  return { result, byHost, vipNeighbour };
}
