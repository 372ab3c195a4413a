// Scenario: LVS-NAT and LVS-TUN carry traffic from c1. One provisioning, two shapes: first NAT (VIP 10.77.0.110,
// port remap 80 → 8080), then the same hosts re-applied as TUN (VIP 10.77.0.120) — an update, not a new cluster.
//
// NAT test setup (not the provider's job; documented here): the real servers sit on the client's segment, so their
// replies to c1 would go straight to c1 with the RIP as source and be dropped. Each real server therefore gets a
// host route to c1 via the NAT VIP, an address the VRRP MASTER holds (it follows a failover, where a route via d1's
// own address would not). The directors get ip_forward=1 from the render; IPVS un-NATs the replies in FORWARD.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyCluster, DeploymentState } from "../../components/direct";
import type { LabState } from "../../lab/state";
import { startWeb } from "../../lab/web";
import { ensureLab, must, onHost } from "../support/lab-session";
import { endScenario } from "../support/scenario";
import {
  CLIENT,
  formatCounts,
  ipvsDests,
  ipvsDestsIfPresent,
  ipvsStats,
  labCluster,
  replyMacsOnClient,
  requestsFromClient,
  snapshotAll,
  waitForDataPath,
} from "../support/data-path";

const NAT_VIP = "10.77.0.110";
const TUN_VIP = "10.77.0.120";
const REAL = ["r1", "r2"];
const N = 40;

describe("e2e: LVS-NAT and LVS-TUN from the client", { timeout: 20 * 60_000 }, () => {
  let lab: LabState;
  let booted = false;
  let deployed: DeploymentState = {};
  let baseline = new Map<string, string>();
  const log = (l: string) => console.log(`e2e: nat-tun: ${l}`);
  const client = () => lab.hosts[CLIENT].address;
  const natRoute = () => `${client()}/32 via ${NAT_VIP} dev ${lab.hosts.r1.interface}`;

  before(async () => {
    ({ lab, booted } = ensureLab());
    baseline = await snapshotAll(lab, ["d1", "d2", ...REAL, CLIENT]);
    startWeb(lab, REAL, 8080);
    for (const r of REAL) await must(lab, r, `ip route replace ${natRoute()}`);
    const t0 = Date.now();
    deployed = await applyCluster(
      labCluster(lab, { vip: NAT_VIP, scheduler: "rr", forwarding: "NAT", healthCheck: { type: "TCP" }, realServers: REAL.map((host) => ({ host, port: 8080 })) }),
      {},
      { log },
    );
    await waitForDataPath(lab, { vip: NAT_VIP, service: `-t ${NAT_VIP}:80`, dests: REAL.map((r) => `${lab.hosts[r].address}:8080`) });
    log(`provisioned NAT (d1, d2 + r1, r2 on :8080) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  after(() =>
    endScenario({
      lab,
      deployed,
      web: REAL,
      baseline,
      booted,
      log,
      cleanup: async () => {
        for (const r of REAL) await onHost(lab, r, `ip route del ${natRoute()} 2>/dev/null; true`);
      },
    }),
  );

  it("NAT: VIP:80 → RIP:8080 on both real servers; requests and replies both cross the director", async () => {
    const service = `-t ${NAT_VIP}:80`;
    for (const d of ["d1", "d2"]) assert.equal((await must(lab, d, "sysctl -n net.ipv4.ip_forward")).trim(), "1", `${d}: ip_forward from the render`);
    assert.deepEqual((await ipvsDests(lab, "d1", service)).map((d) => d.forward), ["Masq", "Masq"]);
    await must(lab, "d1", "ipvsadm -Z");
    const seen = await replyMacsOnClient(lab, NAT_VIP, 80, () => requestsFromClient(lab, `http://${NAT_VIP}/`, N));
    const r = seen.result;
    const stats = await ipvsStats(lab, "d1", service);
    log(`NAT: ${N} requests from c1 to ${NAT_VIP}:80 in ${r.seconds.toFixed(1)} s: ${formatCounts(r.counts)}, ${r.errors.length} errors; d1 IPVS Conns ${stats.service.conns} InPkts ${stats.service.inPkts} OutPkts ${stats.service.outPkts}; replies on c1 by source MAC: ${formatCounts(seen.byHost)}`);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(Object.keys(r.counts).sort(), REAL, "both real servers answer (on 8080, behind VIP:80)");
    for (const h of REAL) assert.ok(Math.abs(r.counts[h] - N / 2) <= 1, `rr split ±1: ${formatCounts(r.counts)}`);
    assert.equal(stats.service.conns, N);
    assert.ok(stats.service.outPkts >= 2 * N, `NAT: the replies went back through d1 (OutPkts ${stats.service.outPkts})`);
    assert.deepEqual(Object.keys(seen.byHost), ["d1"], "every reply from VIP:80 reached c1 from the MASTER's MAC");
    // The real servers really answer on 8080 only: nothing listens on their port 80.
    // (Asked through `must`: a failed ssh is an error, not "nothing listens"; 8080 answering is the control.)
    for (const h of REAL) {
      const probe = await must(lab, h, "for p in 80 8080; do if busybox wget -q -O /dev/null http://127.0.0.1:$p/ 2>/dev/null; then echo $p:serving; else echo $p:refused; fi; done");
      assert.deepEqual(probe.trim().split("\n"), ["80:refused", "8080:serving"], `${h} must serve 8080 and not :80 in this test`);
    }
  });

  it("TUN (re-applied as an update): VIP on lvs0, tunl0 up, rp_filter 0; requests arrive encapsulated, replies go direct", async () => {
    for (const r of REAL) await must(lab, r, `ip route del ${natRoute()}`);
    startWeb(lab, REAL, 80);
    const service = `-t ${TUN_VIP}:80`;
    const t0 = Date.now();
    deployed = await applyCluster(
      labCluster(lab, { vip: TUN_VIP, scheduler: "rr", forwarding: "TUN", healthCheck: { type: "TCP" }, realServers: REAL.map((host) => ({ host })) }),
      deployed,
      { log },
    );
    await waitForDataPath(lab, { vip: TUN_VIP, service, dests: REAL.map((r) => `${lab.hosts[r].address}:80`) });
    log(`TUN: re-applied NAT → TUN in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const d of ["d1", "d2"]) {
      assert.equal(await ipvsDestsIfPresent(lab, d, `-t ${NAT_VIP}:80`), undefined, `${d}: the NAT service is gone`);
      assert.equal((await must(lab, d, "sysctl -n net.ipv4.ip_forward")).trim(), "0", `${d}: ip_forward back to its baseline once no service is NAT`);
    }
    assert.deepEqual((await ipvsDests(lab, "d1", service)).map((d) => d.forward), ["Tunnel", "Tunnel"]);

    const rx: Record<string, number> = {};
    for (const h of REAL) {
      const state = await must(lab, h, `ip -o -4 addr show dev lvs0; ip -o link show tunl0; sysctl -n net.ipv4.conf.all.rp_filter net.ipv4.conf.tunl0.rp_filter; cat /sys/class/net/tunl0/statistics/rx_packets`);
      assert.match(state, new RegExp(`inet ${TUN_VIP.replace(/\./g, "\\.")}/32`), `${h}: VIP on lvs0`);
      assert.match(state, /tunl0@NONE: <[^>]*\bUP\b/, `${h}: tunl0 up`);
      const lines = state.trim().split("\n");
      assert.deepEqual(lines.slice(-3, -1), ["0", "0"], `${h}: rp_filter all/tunl0 = 0`);
      rx[h] = Number(lines[lines.length - 1]);
    }
    await must(lab, "d1", "ipvsadm -Z");
    const seen = await replyMacsOnClient(lab, TUN_VIP, 80, () => requestsFromClient(lab, `http://${TUN_VIP}/`, N));
    const r = seen.result;
    const stats = await ipvsStats(lab, "d1", service);
    const rxDelta: Record<string, number> = {};
    for (const h of REAL) rxDelta[h] = Number((await must(lab, h, "cat /sys/class/net/tunl0/statistics/rx_packets")).trim()) - rx[h];
    log(`TUN: ${N} requests from c1 to ${TUN_VIP}:80 in ${r.seconds.toFixed(1)} s: ${formatCounts(r.counts)}, ${r.errors.length} errors; d1 IPVS Conns ${stats.service.conns} InPkts ${stats.service.inPkts} OutPkts ${stats.service.outPkts}; tunl0 rx packets ${formatCounts(rxDelta)}; replies on c1 by source MAC: ${formatCounts(seen.byHost)}`);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(Object.keys(r.counts).sort(), REAL);
    for (const h of REAL) assert.ok(Math.abs(r.counts[h] - N / 2) <= 1, `rr split ±1: ${formatCounts(r.counts)}`);
    assert.equal(stats.service.outPkts, 0, "TUN: no reply went through the director");
    for (const h of REAL) assert.ok(rxDelta[h] >= 3 * (N / 2 - 1), `${h}: the requests arrived IP-in-IP on tunl0 (${rxDelta[h]} packets)`);
    assert.deepEqual(Object.keys(seen.byHost).sort(), REAL, "replies reached c1 from the real servers' MACs, not a director's");
  });
});
