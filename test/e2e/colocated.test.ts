// Scenario: co-located LVS-DR (field notes §4). d1 and d2 are both directors and real servers (web app on both);
// the provider serves the VIP by fwmark and marks only packets NOT from the peer director's MAC (MACs from
// lab.json). From c1 both hosts serve and the packets crossing between d1 and d2 per request stay bounded.
// Negative control: the same cluster with the peer-MAC exclusion removed by hand (every VIP packet marked, as a
// plain fwmark or VIP:port service would be) ping-pongs: the crossings explode and requests time out.
//
// Crossings are counted by a test-owned nft table (`ip e2e_count`, prerouting priority raw) on each host: packets
// to VIP:80 whose source MAC is the peer's.
//
// The same deployment then moves through the other fwmark backends by converging, each with its positive and
// negative check on d2, the BACKUP, whose rules are the ones that stop the loop: (1) nftables, detected (the
// lab's iptables is the nft-based one and there is no netfilter-persistent); (2) `firewall: iptables` on both, with
// iptables-nft; (3) d2 switched to iptables-legacy with update-alternatives and its `firewall` left to detection:
// a refresh reports the drift, the next apply loads the chain into legacy and takes it out of iptables-nft. One
// reboot of both then checks the boot-time restore of each iptables variant (d1 iptables-nft, d2 iptables-legacy;
// the nft table's is checked by scenario 8).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyCluster, DeploymentState, refreshCluster } from "../../components/direct";
import { closePool } from "../../host/ssh";
import type { LabState } from "../../lab/state";
import { startWeb } from "../../lab/web";
import { ensureLab, must, onHost, rebootAndWait } from "../support/lab-session";
import { endScenario } from "../support/scenario";
import { CLIENT, formatCounts, ipvsStats, labCluster, requestsFromClient, RequestResult, snapshotAll, waitForDataPath } from "../support/data-path";

const VIP = "10.77.0.100";
const DUO = ["d1", "d2"];
const N = 40;
const peer = (h: string) => (h === "d1" ? "d2" : "d1");

interface Crossings {
  /** Packets to VIP:80 that d2 received from d1's MAC, and d1 from d2's. */
  d1ToD2: number;
  d2ToD1: number;
  fwmConns: Record<string, number>;
}

describe("e2e: co-located DR (director + real server on d1 and d2)", { timeout: 20 * 60_000 }, () => {
  let lab: LabState;
  let booted = false;
  let deployed: DeploymentState = {};
  let baseline = new Map<string, string>();
  let fwmark = 0;
  let positive: { r: RequestResult; c: Crossings } | undefined;
  const log = (l: string) => console.log(`e2e: colocated: ${l}`);
  const mac = (h: string) => lab.hosts[h].mac.toLowerCase();

  /** `firewall` per director (omitted: detected on the host). */
  const cluster = (firewall: Record<string, string> = {}) => {
    const c = labCluster(lab, { vip: VIP, scheduler: "rr", realServers: DUO.map((host) => ({ host })) });
    c.directors = (c.directors as Record<string, unknown>[]).map((d) => ({ ...d, mac: mac(d.host as string), ...(firewall[d.host as string] ? { firewall: firewall[d.host as string] } : {}) }));
    c.realServers = DUO.map((host) => ({ host, interface: lab.hosts[host].interface }));
    return c;
  };

  const resetCounters = async () => {
    for (const h of DUO) {
      await must(
        lab,
        h,
        [
          "nft delete table ip e2e_count 2>/dev/null; true",
          "nft add table ip e2e_count",
          "nft add chain ip e2e_count pre '{ type filter hook prerouting priority -300; policy accept; }'",
          `nft add rule ip e2e_count pre ether saddr ${mac(peer(h))} ip daddr ${VIP} tcp dport 80 counter`,
        ].join(" && "),
      );
      await must(lab, h, "ipvsadm -Z");
    }
  };

  const readCounters = async (): Promise<Crossings> => {
    const packets = async (h: string) => {
      const out = await must(lab, h, "nft list chain ip e2e_count pre");
      const m = /counter packets (\d+)/.exec(out);
      assert.ok(m, `${h}: no counter in\n${out}`);
      return Number(m[1]);
    };
    const fwmConns: Record<string, number> = {};
    for (const h of DUO) fwmConns[h] = (await ipvsStats(lab, h, `-f ${fwmark}`)).service.conns;
    return { d1ToD2: await packets("d2"), d2ToD1: await packets("d1"), fwmConns };
  };

  before(async () => {
    ({ lab, booted } = ensureLab());
    baseline = await snapshotAll(lab, [...DUO, CLIENT]);
    startWeb(lab, DUO);
    const t0 = Date.now();
    deployed = await applyCluster(cluster(), {}, { log });
    fwmark = deployed.d1.state.fwmarkRules[0]?.fwmark ?? 0;
    assert.ok(fwmark > 0, "the co-located service is served by fwmark");
    await waitForDataPath(lab, { vip: VIP, service: `-f ${fwmark}`, dests: DUO.map((h) => lab.hosts[h].address) });
    log(`provisioned co-located d1 + d2 (fwmark ${fwmark}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const h of DUO) log(`${h} rule: ${(await must(lab, h, "nft list table ip pulumi_lvs | grep 'meta mark set'")).trim()}`);
  });

  after(() =>
    endScenario({
      lab,
      deployed,
      web: DUO,
      baseline,
      booted,
      log,
      cleanup: async () => {
        // The alternative is the test's change, not pulumi-lvs's: back to Debian's default before destroy, which
        // then finds d2's chain in iptables-legacy and removes it through iptables-legacy.
        for (const h of DUO) await onHost(lab, h, "nft delete table ip e2e_count 2>/dev/null; update-alternatives --quiet --auto iptables; true");
      },
    }),
  );

  it("with the peer-MAC rules: both serve, no request fails, crossings per request stay bounded", async () => {
    for (const h of DUO) assert.match(await must(lab, h, "nft list table ip pulumi_lvs"), new RegExp(`ether saddr != ${mac(peer(h))} meta mark set (0x0*)?${fwmark.toString(16)}\\b`, "i"));
    await resetCounters();
    const r = await requestsFromClient(lab, `http://${VIP}/`, N);
    const c = await readCounters();
    positive = { r, c };
    const perRequest = (c.d1ToD2 + c.d2ToD1) / N;
    log(`with rules: ${N} requests from c1 in ${r.seconds.toFixed(1)} s: ${formatCounts(r.counts)}, ${r.errors.length} errors; crossings d1→d2 ${c.d1ToD2} d2→d1 ${c.d2ToD1} packets (${perRequest.toFixed(1)} per request); FWM ${fwmark} Conns d1 ${c.fwmConns.d1} d2 ${c.fwmConns.d2}`);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(Object.keys(r.counts).sort(), DUO, "both hosts serve");
    for (const h of DUO) assert.ok(Math.abs(r.counts[h] - N / 2) <= 1, `rr split ±1: ${formatCounts(r.counts)}`);
    assert.equal(c.d2ToD1, 0, "d2 never sends a VIP packet back to d1");
    assert.equal(c.fwmConns.d2, 0, "d2 (BACKUP) schedules nothing: packets from d1 miss its fwmark service");
    assert.equal(c.fwmConns.d1, N, "d1 scheduled every request once");
    assert.ok(c.d1ToD2 > 0, "d1 forwarded its share to d2");
    // A forwarded connection is ~5–7 client packets (SYN, ACK, request, ACKs, FIN); d1 forwards half of them.
    assert.ok(perRequest <= 10, `crossings per request must stay bounded (≤ 10), got ${perRequest.toFixed(1)}`);
  });

  it("negative control: without the peer-MAC exclusion the packets ping-pong and requests time out", async () => {
    assert.ok(positive, "the positive case ran first");
    // By hand: every VIP:80 packet marked on both hosts, so a packet d1 forwarded is scheduled again on d2.
    for (const h of DUO) {
      await must(lab, h, `nft flush chain ip pulumi_lvs prerouting && nft add rule ip pulumi_lvs prerouting ip daddr ${VIP} tcp dport 80 meta mark set ${fwmark}`);
    }
    await resetCounters();
    const n = 12;
    const r = await requestsFromClient(lab, `http://${VIP}/`, n);
    const c = await readCounters();
    const perRequest = (c.d1ToD2 + c.d2ToD1) / n;
    const positivePer = (positive.c.d1ToD2 + positive.c.d2ToD1) / N;
    log(`without the exclusion: ${n} requests from c1 in ${r.seconds.toFixed(1)} s: ${formatCounts(r.counts)}, ${r.errors.length} timed out/failed; crossings d1→d2 ${c.d1ToD2} d2→d1 ${c.d2ToD1} packets (${perRequest.toFixed(1)} per request vs ${positivePer.toFixed(1)} with the rules); FWM Conns d1 ${c.fwmConns.d1} d2 ${c.fwmConns.d2}`);
    assert.ok(c.d2ToD1 > 0, "d2 sends VIP packets back to d1: the loop");
    assert.ok(c.fwmConns.d2 > 0, "d2 schedules packets d1 already forwarded");
    assert.ok(r.errors.length > 0, "looping requests time out");
    assert.ok(perRequest > 5 * positivePer, `crossings per request must explode (${perRequest.toFixed(1)} vs ${positivePer.toFixed(1)})`);

    // Restored by the provider's own unit: the file still holds the peer-MAC rules.
    for (const h of DUO) await must(lab, h, "systemctl restart pulumi-lvs-fwmark.service && nft delete table ip e2e_count");
    const again = await requestsFromClient(lab, `http://${VIP}/`, 10);
    log(`rules restored: 10 requests from c1: ${formatCounts(again.counts)}, ${again.errors.length} errors`);
    assert.deepEqual(again.errors, []);
  });

  // The chain as iptables-save prints it on host h, through the variant's own binary.
  const chainOn = async (h: string, variant: "nft" | "legacy") => {
    const save = await must(lab, h, `iptables-${variant}-save -t mangle`);
    return { jumps: save.split("\n").filter((l) => l === "-A PREROUTING -j PULUMI-LVS").length, rules: save.split("\n").filter((l) => l.startsWith("-A PULUMI-LVS ")) };
  };
  const wantedChain = (h: string) => [
    `-A PULUMI-LVS -d ${VIP}/32 -p tcp -m multiport --dports 80 -m mac --mac-source ${mac(peer(h))} -j RETURN`,
    `-A PULUMI-LVS -d ${VIP}/32 -p tcp -m multiport --dports 80 -j MARK --set-xmark 0x${fwmark.toString(16)}/0xffffffff`,
  ];
  const assertChain = async (h: string, variant: "nft" | "legacy") => {
    const c = await chainOn(h, variant);
    assert.deepEqual(c, { jumps: 1, rules: wantedChain(h) }, `${h}: the chain in iptables-${variant}`);
  };

  /** Positive: no errors, both serve, d2 never sends a VIP packet back and schedules nothing. */
  const servesWithoutLoop = async (label: string, n: number) => {
    await resetCounters();
    const r = await requestsFromClient(lab, `http://${VIP}/`, n);
    const c = await readCounters();
    log(`${label}: ${n} requests in ${r.seconds.toFixed(1)} s: ${formatCounts(r.counts)}, ${r.errors.length} errors; crossings d1→d2 ${c.d1ToD2} d2→d1 ${c.d2ToD1}; FWM Conns d1 ${c.fwmConns.d1} d2 ${c.fwmConns.d2}`);
    assert.deepEqual(r.errors, [], `${label}: no request fails`);
    assert.deepEqual(Object.keys(r.counts).sort(), DUO, `${label}: both hosts serve`);
    assert.equal(c.d2ToD1, 0, `${label}: d2 never sends a VIP packet back to d1`);
    assert.equal(c.fwmConns.d2, 0, `${label}: d2 schedules nothing`);
    assert.equal(c.fwmConns.d1, n, `${label}: d1 scheduled every request once`);
    assert.ok(c.d1ToD2 > 0 && c.d1ToD2 / n <= 10, `${label}: d1 forwarded its share, bounded (${c.d1ToD2} packets)`);
  };

  /** Negative control: the chain emptied by hand and every VIP:80 packet marked on both hosts: the loop is back. */
  const loopsWithoutExclusion = async (label: string) => {
    for (const h of DUO)
      await must(lab, h, `iptables -w 5 -t mangle -F PULUMI-LVS && iptables -w 5 -t mangle -A PULUMI-LVS -d ${VIP}/32 -p tcp --dport 80 -j MARK --set-mark ${fwmark}`);
    await resetCounters();
    const n = 12;
    const r = await requestsFromClient(lab, `http://${VIP}/`, n);
    const c = await readCounters();
    const perRequest = (c.d1ToD2 + c.d2ToD1) / n;
    const positivePer = positive ? (positive.c.d1ToD2 + positive.c.d2ToD1) / N : 0;
    log(`${label}, without the exclusion: ${n} requests in ${r.seconds.toFixed(1)} s: ${r.errors.length} failed; crossings d1→d2 ${c.d1ToD2} d2→d1 ${c.d2ToD1} (${perRequest.toFixed(1)} per request vs ${positivePer.toFixed(1)} with the rules); FWM Conns d2 ${c.fwmConns.d2}`);
    assert.ok(c.d2ToD1 > 0, `${label}: d2 sends VIP packets back to d1: the loop`);
    assert.ok(c.fwmConns.d2 > 0, `${label}: d2 schedules packets d1 already forwarded`);
    assert.ok(r.errors.length > 0, `${label}: looping requests time out`);
    assert.ok(positive && perRequest > 5 * positivePer, `${label}: crossings per request explode (${perRequest.toFixed(1)} vs ${positivePer.toFixed(1)})`);
  };

  it("iptables (iptables-nft): converging moves the rules into a chain of ours; re-reading finds no drift; the negative control loops; a refresh reports the emptied chain", async () => {
    const t0 = Date.now();
    deployed = await applyCluster(cluster({ d1: "iptables", d2: "iptables" }), deployed, { log });
    log(`converged to firewall: iptables in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const h of DUO) {
      assert.equal((await onHost(lab, h, "nft list table ip pulumi_lvs")).code !== 0, true, `${h}: the nft table is gone`);
      assert.match(await must(lab, h, "readlink -f /usr/sbin/iptables"), /xtables-nft-multi/);
      await assertChain(h, "nft");
      assert.equal((await must(lab, h, "systemctl is-active pulumi-lvs-fwmark-iptables.service; systemctl is-enabled pulumi-lvs-fwmark-iptables.service")).trim(), "active\nenabled");
    }
    const quiet = await refreshCluster(deployed);
    assert.deepEqual(quiet.drift, Object.fromEntries(Object.keys(deployed).map((h) => [h, []])), "a converged host shows no drift");
    await servesWithoutLoop("iptables-nft", 16);

    await loopsWithoutExclusion("iptables-nft");
    const drifted = await refreshCluster(deployed);
    for (const h of DUO) assert.ok(drifted.drift[h].includes("restart pulumi-lvs-fwmark-iptables.service (live state drifted)"), `${h}: drift ${JSON.stringify(drifted.drift[h])}`);
    // Repaired by the unit itself (the next test repairs drift by converging).
    for (const h of DUO) await must(lab, h, "systemctl restart pulumi-lvs-fwmark-iptables.service");
    for (const h of DUO) await assertChain(h, "nft");
  });

  it("iptables-legacy on d2 (update-alternatives, backend detected): a refresh reports the drift, the apply loads the chain into legacy and removes it from iptables-nft; the negative control loops", async () => {
    await must(lab, "d2", "update-alternatives --quiet --set iptables /usr/sbin/iptables-legacy && readlink -f /usr/sbin/iptables-restore");
    const drifted = await refreshCluster(deployed);
    log(`d2 switched to iptables-legacy; drift: ${JSON.stringify(drifted.drift.d2)}`);
    assert.ok(drifted.drift.d2.includes("restart pulumi-lvs-fwmark-iptables.service (live state drifted)"), `d2 drift ${JSON.stringify(drifted.drift.d2)}`);
    assert.ok(drifted.drift.d2.some((d) => /stale iptables chain PULUMI-LVS from iptables-nft/.test(d)), `d2 drift ${JSON.stringify(drifted.drift.d2)}`);
    assert.deepEqual(drifted.drift.d1, []);
    const lines: string[] = [];
    deployed = await applyCluster(cluster({ d1: "iptables" }), drifted.state, { log: (l) => (lines.push(l), log(l)) });
    assert.ok(lines.some((l) => /firewall of d2: iptables/.test(l)), `the backend of d2 is detected: ${lines.join(" | ")}`);
    await assertChain("d2", "legacy");
    assert.deepEqual(await chainOn("d2", "nft"), { jumps: 0, rules: [] }, "d2: nothing of ours left in iptables-nft");
    await assertChain("d1", "nft");
    await servesWithoutLoop("d2 on iptables-legacy", 16);
    await loopsWithoutExclusion("d2 on iptables-legacy");
    for (const h of DUO) await must(lab, h, "systemctl restart pulumi-lvs-fwmark-iptables.service");
    await assertChain("d2", "legacy");
  });

  it("reboot: d1 (iptables-nft) and d2 (iptables-legacy) load their chain at boot, once, and serve without the loop", async () => {
    closePool();
    const t0 = Date.now();
    await rebootAndWait(lab, DUO);
    log(`d1 and d2 rebooted in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await assertChain("d1", "nft");
    await assertChain("d2", "legacy");
    for (const h of DUO) assert.equal((await must(lab, h, "systemctl is-active keepalived")).trim(), "active");
    startWeb(lab, DUO); // the application is not pulumi-lvs's to restart
    await waitForDataPath(lab, { vip: VIP, service: `-f ${fwmark}`, dests: DUO.map((h) => lab.hosts[h].address) });
    await servesWithoutLoop("after the reboot", 10);
  });
});
