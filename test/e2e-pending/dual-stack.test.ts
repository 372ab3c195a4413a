// PENDING (not in npm test yet): its first lab run passed 3 of 4 cases in 550 s, over #12's 6-minute CI budget; it
// joins test/e2e once it passes on the lab and shares its provisioning with dr.test. Run it: npm run test:e2e:pending.
// Scenario: dual-stack LVS-DR, provisioned once. One web service on an IPv4 and an IPv6 VIP (each family its own
// VRRP group, VRRPv3 for IPv6, both in one sync group), three real servers with the IPv6 VIP on lvs0 (/128, nodad).
// Cases: requests to the IPv6 VIP split across the real servers with replies straight from them; both VIPs answer;
// no real server answers a neighbour solicitation for the VIP (and one does once the VIP is put on its serving
// interface by hand: the negative control); a fault in the IPv6 group alone moves both VIPs (the sync group); a
// graceful stop of the MASTER moves both within 2 s under traffic.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyCluster, DeploymentState } from "../../components/direct";
import type { LabState } from "../../lab/state";
import { startWeb } from "../../lab/web";
import { ensureLab, must, onHost } from "../support/lab-session";
import { endScenario } from "../support/scenario";
import { CLIENT, formatCounts, ipvsDests, ipvsStats, requestsFromClient, sleep, snapshotAll, vipHolders, waitFor, waitForDataPath } from "../support/data-path";
import { outage, parseProbes } from "../support/probes";

const VIP4 = "10.77.0.100";
const VIP6 = "fd77::100";
const SERVICE6 = `-t [${VIP6}]:80`;
const SERVICE4 = `-t ${VIP4}:80`;
const REAL = ["r1", "r2", "r3"];
const N = 60;
/** While this file exists on a director, its IPv6 group's track script fails (weight 0: FAULT). */
const FAULT6 = "/run/pulumi-lvs-e2e-fault6";

function dualStackCluster(lab: LabState): Record<string, unknown> {
  const names = ["d1", "d2", ...REAL];
  const address6 = (h: string) => {
    const a = lab.hosts[h].address6;
    assert.ok(a, `lab host ${h} has no address6: the lab topology must have subnet6 (lab/topologies/default.json)`);
    return a;
  };
  const service = (name: string, vip: string, vrrp: string) => ({ name, vip, port: 80, vrrp, scheduler: "rr", healthCheck: { type: "NONE" }, realServers: REAL.map((host) => ({ host })) });
  return {
    name: "itest6",
    subnet: lab.subnet,
    subnet6: lab.subnet6,
    ssh: { user: "root", privateKeyFile: lab.privateKey, knownHostsFile: lab.knownHosts, connectTimeoutSeconds: 20 },
    hosts: names.map((n) => ({ name: n, address: lab.hosts[n].address, address6: address6(n) })),
    directors: [
      { host: "d1", interface: lab.hosts.d1.interface, priority: 150 },
      { host: "d2", interface: lab.hosts.d2.interface, priority: 100 },
    ],
    vrrp: [
      { name: "VI_IT4", advertInt: 1, syncGroup: "IT" },
      { name: "VI_IT6", advertInt: 1, syncGroup: "IT", trackScripts: [{ name: "chk_fault6", script: `/usr/bin/test ! -e ${FAULT6}`, interval: 1, fall: 1, rise: 1, weight: 0 }] },
    ],
    services: [service("web4", VIP4, "VI_IT4"), service("web6", VIP6, "VI_IT6")],
  };
}

/** Sends neighbour solicitations from c1 for `target`: to its solicited-node group, or unicast to `to`. */
function solicit(lab: LabState, target: string, to: "multicast" | string, count = 3): string {
  const py = [
    "import socket, struct, sys, time",
    "target, iface, to, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])",
    "s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)",
    // RFC 4861: a solicitation travels with hop limit 255 (a receiver drops it otherwise).
    "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)",
    "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)",
    "t = socket.inet_pton(socket.AF_INET6, target)",
    "mac = bytes.fromhex(open('/sys/class/net/%s/address' % iface).read().strip().replace(':', ''))",
    // type 135, code 0, checksum (the kernel computes it for ICMPv6 raw sockets), reserved; target; source lladdr option.
    "msg = struct.pack('!BBHI', 135, 0, 0, 0) + t + struct.pack('!BB', 1, 1) + mac",
    "dst = socket.inet_ntop(socket.AF_INET6, bytes.fromhex('ff0200000000000000000001ff') + t[13:]) if to == 'multicast' else to",
    "for _ in range(count):",
    "    s.sendto(msg, (dst, 0, 0, socket.if_nametoindex(iface)))",
    "    time.sleep(0.2)",
  ].join("\n");
  return `python3 -c "$(printf '%s' '${Buffer.from(py).toString("base64")}' | base64 -d)" ${target} ${lab.hosts[CLIENT].interface} ${to} ${count}`;
}

/** Runs `during` while c1 captures neighbour advertisements; returns, per sender (lab host name), those for `target`. */
async function advertsOnClient(lab: LabState, target: string, during: () => Promise<void>): Promise<Record<string, number>> {
  const start = [
    "rm -f /tmp/e2e-na /tmp/e2e-na.err /tmp/e2e-na.pid",
    `tcpdump -i ${lab.hosts[CLIENT].interface} -nn -e -l -Q in 'icmp6 and ip6[40] == 136' >/tmp/e2e-na 2>/tmp/e2e-na.err & echo $! >/tmp/e2e-na.pid`,
    "for i in $(seq 1 100); do grep -q listening /tmp/e2e-na.err && exit 0; sleep 0.1; done; cat /tmp/e2e-na.err; exit 1",
  ].join("\n");
  await must(lab, CLIENT, start);
  try {
    await during();
  } finally {
    await onHost(lab, CLIENT, "sleep 0.5; kill $(cat /tmp/e2e-na.pid) 2>/dev/null; sleep 0.3");
  }
  const out = await must(lab, CLIENT, "cat /tmp/e2e-na; rm -f /tmp/e2e-na /tmp/e2e-na.err /tmp/e2e-na.pid");
  const bySender: Record<string, number> = {};
  for (const m of out.matchAll(/^\S+ ([0-9a-f:]{17}) > .*neighbor advertisement, tgt is (\S+?),/gm)) {
    if (m[2] !== target) continue;
    const name = Object.values(lab.hosts).find((h) => h.mac.toLowerCase() === m[1])?.name ?? m[1];
    bySender[name] = (bySender[name] ?? 0) + 1;
  }
  return bySender;
}

/** Requests from c1 to `url` every ~100 ms for `seconds`; each line is "<epoch ms> <http code>". */
function probeLoop(url: string, seconds: number): string {
  return `end=$(( $(date +%s) + ${seconds} )); while [ "$(date +%s)" -lt "$end" ]; do t=$(date +%s%3N); c=$(curl -gs -o /dev/null -w '%{http_code}' --max-time 1 ${url} || true); echo "$t $c"; sleep 0.1; done`;
}

async function bothHeldBy(lab: LabState, director: string, seconds: number): Promise<number> {
  let last = "";
  try {
    return (
      await waitFor(`${director} to hold both VIPs alone`, seconds, async () => {
        const [h4, h6] = [await vipHolders(lab, VIP4), await vipHolders(lab, VIP6)];
        last = `${VIP4} on [${h4.join(",")}], ${VIP6} on [${h6.join(",")}]`;
        return h4.join() === director && h6.join() === director ? true : undefined;
      }, 300)
    ).seconds;
  } catch (e) {
    throw new Error(`${(e as Error).message}: ${last}`);
  }
}

describe("e2e: dual-stack DR (IPv6 VIP, VRRPv3, sync group, neighbour discovery)", { timeout: 20 * 60_000 }, () => {
  let lab: LabState;
  let booted = false;
  let deployed: DeploymentState = {};
  let baseline = new Map<string, string>();
  const t0 = Date.now();
  const log = (l: string) => console.log(`e2e: dual-stack: ${l}`);
  const dests6 = () => REAL.map((r) => `[${lab.hosts[r].address6}]:80`);

  before(async () => {
    ({ lab, booted } = ensureLab());
    baseline = await snapshotAll(lab, ["d1", "d2", ...REAL, CLIENT]);
    startWeb(lab, REAL);
    const t = Date.now();
    deployed = await applyCluster(dualStackCluster(lab), {}, { log });
    const settle6 = await waitForDataPath(lab, { vip: VIP6, service: SERVICE6, dests: dests6() });
    await waitForDataPath(lab, { vip: VIP4, service: SERVICE4, dests: REAL.map((r) => `${lab.hosts[r].address}:80`) });
    log(`provisioned 2 directors + 3 real servers (both families) in ${((Date.now() - t) / 1000).toFixed(1)} s (IPv6 VIP on d1 + IPVS ready ${settle6.toFixed(1)} s after apply)`);
    log(`d1 ipvsadm -Ln:\n${await must(lab, "d1", "ipvsadm -Ln")}`);
  });

  after(async () => {
    await onHost(lab, "r1", `ip -6 addr del ${VIP6}/128 dev ${lab.hosts.r1.interface} 2>/dev/null; true`);
    for (const d of ["d1", "d2"]) await onHost(lab, d, `rm -f ${FAULT6}`);
    await endScenario({ lab, deployed, web: REAL, baseline, booted, log });
    log(`scenario wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  it("IPv6: rr splits the requests evenly, the replies bypass the director, and the IPv4 VIP answers too", async () => {
    for (const d of ["d1", "d2"]) await must(lab, d, "ipvsadm -Z");
    const r6 = await requestsFromClient(lab, `http://[${VIP6}]/`, N);
    log(`IPv6: ${N} requests to [${VIP6}] from c1 in ${r6.seconds.toFixed(1)} s: ${formatCounts(r6.counts)}, ${r6.errors.length} errors`);
    assert.deepEqual(r6.errors, []);
    assert.deepEqual(Object.keys(r6.counts).sort(), REAL);
    for (const h of REAL) assert.ok(Math.abs(r6.counts[h] - N / REAL.length) <= 1, `rr split must be even ±1: ${formatCounts(r6.counts)}`);
    const stats = await ipvsStats(lab, "d1", SERVICE6);
    const backup = await ipvsStats(lab, "d2", SERVICE6);
    log(`IPv6: d1 IPVS ${stats.service.key}: Conns ${stats.service.conns} InPkts ${stats.service.inPkts} OutPkts ${stats.service.outPkts}; d2 (BACKUP) Conns ${backup.service.conns}`);
    assert.equal(stats.service.conns, N);
    assert.ok(stats.service.inPkts >= 3 * N, `InPkts ${stats.service.inPkts}`);
    assert.equal(stats.service.outPkts, 0, "DR: no reply went through the director");
    assert.equal(backup.service.conns, 0);
    const weights = (await ipvsDests(lab, "d1", SERVICE6)).map((d) => `${d.address} ${d.forward} ${d.weight}`).sort();
    assert.deepEqual(weights, dests6().sort().map((a) => `${a} Route 1`));

    const r4 = await requestsFromClient(lab, `http://${VIP4}/`, 30);
    log(`IPv4: 30 requests to ${VIP4}: ${formatCounts(r4.counts)}, ${r4.errors.length} errors`);
    assert.deepEqual(r4.errors, []);
    for (const h of REAL) assert.equal(r4.counts[h], 10, `rr split over IPv4: ${formatCounts(r4.counts)}`);
  });

  it("neighbour discovery: only the MASTER answers for the IPv6 VIP; a real server does once the VIP is on its serving interface", async () => {
    const onLvs0 = await must(lab, "r1", "ip -o -6 addr show dev lvs0");
    assert.match(onLvs0, new RegExp(`inet6 ${VIP6}/128 .*nodad`), `r1 holds the VIP on lvs0 without DAD:\n${onLvs0}`);
    const seen = await advertsOnClient(lab, VIP6, async () => {
      await must(lab, CLIENT, solicit(lab, VIP6, "multicast"));
      for (const r of REAL) await must(lab, CLIENT, solicit(lab, VIP6, lab.hosts[r].address6!));
    });
    log(`NS for ${VIP6} (3 to its solicited-node group, 3 unicast to each real server): advertisements by sender: ${formatCounts(seen) || "none"}`);
    assert.ok((seen.d1 ?? 0) >= 3, `the MASTER d1 answers every multicast solicitation: ${formatCounts(seen)}`);
    for (const r of REAL) assert.equal(seen[r] ?? 0, 0, `${r} must never advertise the VIP: ${formatCounts(seen)}`);

    // Negative control: the same unicast solicitations, with the VIP also on r1's serving interface.
    await must(lab, "r1", `ip -6 addr add ${VIP6}/128 dev ${lab.hosts.r1.interface} nodad`);
    let control: Record<string, number>;
    try {
      control = await advertsOnClient(lab, VIP6, () => must(lab, CLIENT, solicit(lab, VIP6, lab.hosts.r1.address6!)).then(() => undefined));
    } finally {
      await must(lab, "r1", `ip -6 addr del ${VIP6}/128 dev ${lab.hosts.r1.interface}`);
    }
    log(`control (VIP on r1's ${lab.hosts.r1.interface} by hand): advertisements by sender: ${formatCounts(control) || "none"}`);
    assert.ok((control.r1 ?? 0) >= 3, `with the VIP on its serving interface r1 answers, so the check above can fail: ${formatCounts(control)}`);
  });

  it("a fault in the IPv6 group alone moves both VIPs to the backup (one sync group), and back when it clears", async () => {
    await bothHeldBy(lab, "d1", 30);
    await must(lab, "d1", `touch ${FAULT6}`);
    const moved = await bothHeldBy(lab, "d2", 20);
    log(`IPv6 track script failing on d1: both VIPs on d2 after ${moved.toFixed(1)} s`);
    await must(lab, "d1", `rm -f ${FAULT6}`);
    const back = await bothHeldBy(lab, "d1", 30);
    log(`fault cleared: both VIPs back on d1 after ${back.toFixed(1)} s`);
  });

  it("keepalived stopped on the MASTER under traffic to both VIPs: both answer from the backup within 2 s", async () => {
    const seconds = 16;
    const loop6 = onHost(lab, CLIENT, probeLoop(`http://[${VIP6}]/`, seconds), (seconds + 60) * 1000);
    const loop4 = onHost(lab, CLIENT, probeLoop(`http://${VIP4}/`, seconds), (seconds + 60) * 1000);
    await sleep(2000);
    const sent = Date.now();
    const c1 = Number((await must(lab, CLIENT, "date +%s%3N")).trim());
    const offset = c1 - (sent + Date.now()) / 2;
    await sleep(500);
    const faultAt = Date.now() + offset;
    await must(lab, "d1", "systemctl stop keepalived");
    const [p6, p4] = [parseProbes((await loop6).stdout), parseProbes((await loop4).stdout)];
    const [o6, o4] = [outage(p6, faultAt), outage(p4, faultAt)];
    log(`stop keepalived on d1: IPv6 ${o6.failed}/${p6.length} failed, answered again after ${o6.seconds.toFixed(2)} s; IPv4 ${o4.failed}/${p4.length} failed, after ${o4.seconds.toFixed(2)} s`);
    // Two curl loops share c1's one emulated CPU: the lab saw 6 probes in 10 s per family under heavy load. One probe
    // every 2 s still catches a dead loop; the outage is measured from the fault either way.
    assert.ok(p6.length >= seconds / 2 && p4.length >= seconds / 2, `too few probes: ${p6.length} IPv6, ${p4.length} IPv4 in ${seconds} s`);
    assert.deepEqual([await vipHolders(lab, VIP4), await vipHolders(lab, VIP6)], [["d2"], ["d2"]]);
    assert.ok(o6.seconds <= 2, `IPv6 outage ${o6.seconds} s > 2 s`);
    assert.ok(o4.seconds <= 2, `IPv4 outage ${o4.seconds} s > 2 s`);
    await must(lab, "d1", "systemctl start keepalived");
    const back = await bothHeldBy(lab, "d1", 30);
    log(`d1's keepalived started: both VIPs back on d1 after ${back.toFixed(1)} s (preempt)`);
  });
});
