// Scenario: co-located LVS-DR (field notes §4). d1 and d2 are both directors and real servers (web app on both);
// the provider serves the VIP by fwmark and marks only packets NOT from the peer director's MAC (MACs from
// lab.json). From c1 both hosts serve and the packets crossing between d1 and d2 per request stay bounded.
// Negative control: the same cluster with the peer-MAC exclusion removed by hand (every VIP packet marked, as a
// plain fwmark or VIP:port service would be) ping-pongs: the crossings explode and requests time out.
//
// Crossings are counted by a test-owned nft table (`ip e2e_count`, prerouting priority raw) on each host: packets
// to VIP:80 whose source MAC is the peer's.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyCluster, DeploymentState } from "../../components/direct";
import type { LabState } from "../../lab/state";
import { startWeb } from "../../lab/web";
import { ensureLab, must, onHost } from "../support/lab-session";
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

  const cluster = () => {
    const c = labCluster(lab, { vip: VIP, scheduler: "rr", realServers: DUO.map((host) => ({ host })) });
    c.directors = (c.directors as Record<string, unknown>[]).map((d) => ({ ...d, mac: mac(d.host as string) }));
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
        for (const h of DUO) await onHost(lab, h, "nft delete table ip e2e_count 2>/dev/null; true");
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
});
