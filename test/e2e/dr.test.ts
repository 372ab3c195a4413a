// Scenario: LVS-DR data path, measured from the client c1. Two directors (d1 MASTER, d2 BACKUP) and three real
// servers running the lab web app, provisioned through the provider. rr must split 60 requests evenly, wrr 1/2/3
// must follow the weights, and the replies must come straight from the real servers (not through the director).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyCluster, DeploymentState } from "../../components/direct";
import type { LabState } from "../../lab/state";
import { startWeb } from "../../lab/web";
import { ensureLab, must } from "../support/lab-session";
import { endScenario } from "../support/scenario";
import {
  CLIENT,
  formatCounts,
  ipvsDests,
  ipvsStats,
  labCluster,
  replyMacsOnClient,
  requestsFromClient,
  snapshotAll,
  waitFor,
  waitForDataPath,
} from "../support/data-path";

const VIP = "10.77.0.100";
const SERVICE = `-t ${VIP}:80`;
const REAL = ["r1", "r2", "r3"];
const N = 60;

describe("e2e: LVS-DR from the client", { timeout: 20 * 60_000 }, () => {
  let lab: LabState;
  let booted = false;
  let deployed: DeploymentState = {};
  let baseline = new Map<string, string>();
  const log = (l: string) => console.log(`e2e: dr: ${l}`);
  const cluster = (scheduler: string, weights: number[]) =>
    labCluster(lab, { vip: VIP, scheduler, realServers: REAL.map((host, i) => ({ host, weight: weights[i] })) });
  const dests = () => REAL.map((r) => `${lab.hosts[r].address}:80`);

  before(async () => {
    ({ lab, booted } = ensureLab());
    baseline = await snapshotAll(lab, ["d1", "d2", ...REAL, CLIENT]);
    startWeb(lab, REAL);
    const t0 = Date.now();
    deployed = await applyCluster(cluster("rr", [1, 1, 1]), {}, { log });
    const settle = await waitForDataPath(lab, { vip: VIP, service: SERVICE, dests: dests() });
    log(`provisioned 2 directors + 3 real servers in ${((Date.now() - t0) / 1000).toFixed(1)} s (VIP on d1 + IPVS ready ${settle.toFixed(1)} s after apply)`);
  });

  after(() => endScenario({ lab, deployed, web: REAL, baseline, booted, log }));

  it("rr: every real server answers, the split is even (±1), and the replies come straight from the real servers", async () => {
    for (const d of ["d1", "d2"]) await must(lab, d, "ipvsadm -Z");
    // c1 captures the replies from VIP:80 while it sends: their source MAC names the host that sent them.
    const seen = await replyMacsOnClient(lab, VIP, 80, () => requestsFromClient(lab, `http://${VIP}/`, N));
    const r = seen.result;
    log(`rr: ${N} requests from c1 in ${r.seconds.toFixed(1)} s: ${formatCounts(r.counts)}, ${r.errors.length} errors`);
    assert.deepEqual(r.errors, [], "no request may fail");
    assert.deepEqual(Object.keys(r.counts).sort(), REAL, "every real server answers, nobody else");
    for (const h of REAL) assert.ok(Math.abs(r.counts[h] - N / REAL.length) <= 1, `rr split must be even ±1: ${formatCounts(r.counts)}`);

    // Director side: d1 (MASTER) scheduled all N connections and saw only the inbound half (DR: OutPkts 0).
    const stats = await ipvsStats(lab, "d1", SERVICE);
    const backup = await ipvsStats(lab, "d2", SERVICE);
    log(`rr: d1 IPVS ${stats.service.key}: Conns ${stats.service.conns} InPkts ${stats.service.inPkts} OutPkts ${stats.service.outPkts}; d2 (BACKUP) Conns ${backup.service.conns}`);
    assert.equal(stats.service.conns, N, "d1 scheduled every connection");
    assert.ok(stats.service.inPkts >= 3 * N, `at least SYN + request + ACK per connection went through d1 (InPkts ${stats.service.inPkts})`);
    assert.equal(stats.service.outPkts, 0, "DR: no reply packet went through the director");
    assert.equal(backup.service.conns, 0, "the BACKUP scheduled nothing");

    // Client side: c1 reaches the VIP at d1's MAC, but every reply from VIP:80 arrived from a real server's MAC.
    log(`rr: replies from ${VIP}:80 seen on c1 by source MAC: ${formatCounts(seen.byHost)}; c1's ARP entry for the VIP: ${seen.vipNeighbour}`);
    assert.equal(seen.vipNeighbour, "d1", "c1 sends to the VIP at the MASTER's MAC");
    assert.deepEqual(Object.keys(seen.byHost).sort(), REAL, "replies come from the three real servers' MACs only, never a director's");
  });

  it("wrr 1/2/3: the split follows the weights", async () => {
    const t0 = Date.now();
    deployed = await applyCluster(cluster("wrr", [1, 2, 3]), deployed, { log });
    await waitFor("d1's IPVS to have wrr weights 1/2/3", 30, async () => {
      const w = (await ipvsDests(lab, "d1", SERVICE)).map((d) => `${d.address}=${d.weight}`).sort().join(",");
      return w === REAL.map((r, i) => `${lab.hosts[r].address}:80=${i + 1}`).join(",") ? true : undefined;
    });
    log(`wrr: re-applied (reload) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const r = await requestsFromClient(lab, `http://${VIP}/`, N);
    // Expected N·w/Σw = 10/20/30. IPVS wrr is deterministic (a fixed sequence per 6 connections, as rr showed 0
    // deviation above), so the tolerance is the same ±1 per server that rr is allowed.
    const expected: Record<string, number> = { r1: 10, r2: 20, r3: 30 };
    log(`wrr: ${N} requests from c1 in ${r.seconds.toFixed(1)} s: ${formatCounts(r.counts)} (expected r1=10 r2=20 r3=30 ±1), ${r.errors.length} errors`);
    assert.deepEqual(r.errors, []);
    for (const h of REAL) assert.ok(Math.abs((r.counts[h] ?? 0) - expected[h]) <= 1, `wrr split must follow 1/2/3 within ±1: ${formatCounts(r.counts)}`);
  });
});
