// Scenario 8: reboot a real server and a director; with no provisioning run, everything pulumi-lvs set is back
// (VIP on lvs0, ARP sysctls, ip_vs, fwmark rules, keepalived) and traffic flows from the client.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyCluster, DeploymentState } from "../../components/direct";
import { closePool } from "../../host/ssh";
import type { LabState } from "../../lab/state";
import { startWeb } from "../../lab/web";
import { requestsFromClient, snapshotAll } from "../support/data-path";
import { endScenario } from "../support/scenario";
import { ensureLab, labDrCluster, must, rebootAndWait } from "../support/lab-session";

const VIP = "10.77.0.100";
const REAL = ["r1", "r2", "r3"];

/** Who answered `n` requests from c1 through the VIP (failed requests count as "ERR:…"). */
async function answers(lab: LabState, n: number): Promise<Record<string, number>> {
  const r = await requestsFromClient(lab, `http://${VIP}/`, n);
  return { ...r.counts, ...Object.fromEntries(r.errors.map((e) => [e, r.errors.filter((x) => x === e).length])) };
}

describe("scenario 8: reboot", { timeout: 30 * 60_000 }, () => {
  let lab: LabState;
  let booted = false;
  let deployed: DeploymentState = {};
  let baseline = new Map<string, string>();
  const log = (l: string) => console.log(`e2e reboot: ${l}`);

  before(async () => {
    ({ lab, booted } = ensureLab());
    baseline = await snapshotAll(lab, ["d1", "d2", ...REAL]);
    startWeb(lab, REAL);
    // A fwmark service, so the directors also carry the nft mark rules that must come back at boot.
    const cluster = labDrCluster(lab, { realServers: REAL.map((host) => ({ host })) });
    const service = (cluster.services as Record<string, unknown>[])[0];
    Object.assign(service, { fwmark: 10, scheduler: "rr" });
    deployed = await applyCluster(cluster, {});
  });

  after(() => endScenario({ lab, deployed, web: REAL, baseline, booted, log }));

  it("after rebooting r1 and d1, with no provisioning run, every setting is back and traffic flows", async () => {
    const before = await answers(lab, 9);
    assert.deepEqual(before, { r1: 3, r2: 3, r3: 3 }, "rr over three servers before the reboot");
    // Debian's nftables.service loads /etc/nftables.conf, which begins with "flush ruleset", at boot: enabled on d1,
    // it must run before the mark rules are loaded, not after.
    await must(lab, "d1", "systemctl enable nftables.service 2>&1");
    closePool(); // the pooled connections die with the hosts
    const t0 = Date.now();
    await rebootAndWait(lab, ["r1", "d1"]);
    log(`r1 and d1 rebooted (new boot_id) and ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // Real server: VIP on lvs0 and ARP sysctls, from the unit and sysctl.d.
    assert.match(await must(lab, "r1", "ip -o -4 addr show dev lvs0"), /10\.77\.0\.100\/32/);
    assert.equal((await must(lab, "r1", "sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce")).trim().split("\n").join(","), "1,2");
    // Director: ip_vs (modules-load.d), the mark rules (pulumi-lvs-fwmark.service), keepalived with the FWM service.
    assert.match(await must(lab, "d1", "cut -d' ' -f1 /proc/modules"), /^ip_vs$/m);
    assert.equal((await must(lab, "d1", "systemctl is-active nftables.service")).trim(), "active", "nftables.service ran at boot");
    assert.match(await must(lab, "d1", "nft list table ip pulumi_lvs"), /ip daddr 10\.77\.0\.100 tcp dport 80 meta mark set 0x0000000a/);
    // Its own table is not ours to keep: back to the baseline (stopping the unit would flush everything).
    await must(lab, "d1", "systemctl disable nftables.service 2>&1; nft delete table inet filter 2>/dev/null; true");
    assert.equal((await must(lab, "d1", "systemctl is-active keepalived")).trim(), "active");
    assert.match(await must(lab, "d1", "ipvsadm -Ln"), /FWM\s+10 rr/);
    assert.equal((await must(lab, "d1", "sysctl -n net.ipv4.vs.expire_nodest_conn")).trim(), "1");

    startWeb(lab, ["r1"]); // the application itself is not pulumi-lvs's to restart
    await new Promise((r) => setTimeout(r, 4000));
    const afterReboot = await answers(lab, 9);
    log(`requests from c1 after the reboot: ${JSON.stringify(afterReboot)}`);
    assert.deepEqual(afterReboot, { r1: 3, r2: 3, r3: 3 });
  });
});
