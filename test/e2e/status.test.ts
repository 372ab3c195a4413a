// `pulumi-lvs status` against the lab: provision a DR cluster (applyCluster), status sees d1 MASTER / d2 BACKUP and
// the IPVS table, reading changes nothing (no drift afterwards); then break things by hand (a VIP removed from a real
// server, a weight changed in IPVS, keepalived stopped on d1) and each is flagged; destroy. The lab is shared: run
// it under `flock -w 3600 /tmp/pulumi-lvs-lab.lock npm run test:e2e`.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { applyCluster, destroyCluster, DeploymentState, refreshCluster } from "../../components/direct";
import { requireValidCluster } from "../../core/config/validate";
import type { ClusterConfig } from "../../core/config/schema";
import { closePool } from "../../host/ssh";
import type { LabState } from "../../lab/state";
import { clusterStatus } from "../../cli/status";
import type { StatusReport } from "../../cli/status-report";
import { main } from "../../cli/main";
import { captureIo } from "../support/examples";
import { ensureLab, labDown, labDrCluster, must } from "../support/lab-session";

const codes = (r: StatusReport) => r.problems.map((p) => `${p.code} ${p.host ?? p.group}`).sort();

async function waitFor(config: ClusterConfig, ok: (r: StatusReport) => boolean, what: string, timeoutMs = 60_000): Promise<StatusReport> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await clusterStatus(config);
    if (ok(r)) return r;
    if (Date.now() > until) assert.fail(`${what}: not reached in ${timeoutMs / 1000} s; last problems: ${codes(r).join(", ")}`);
    await new Promise((res) => setTimeout(res, 2000));
  }
}

describe("status on the lab", { timeout: 20 * 60_000 }, () => {
  let lab: LabState;
  let booted = false;
  let raw: Record<string, unknown>;
  let config: ClusterConfig;
  let deployed: DeploymentState = {};

  before(async () => {
    ({ lab, booted } = ensureLab());
    raw = labDrCluster(lab, { realServers: [{ host: "r1" }, { host: "r2" }, { host: "r3", weight: 2 }] });
    config = requireValidCluster(raw).config;
    deployed = await applyCluster(raw, {}, { log: (l) => console.log(`status e2e: ${l}`) });
  });

  after(async () => {
    try {
      await destroyCluster(deployed);
    } finally {
      closePool();
      if (booted && process.env.KEEP_LAB !== "1") labDown();
    }
  });

  it("a converged cluster: d1 MASTER with the VIP, d2 BACKUP, full IPVS table, real servers bound; exit 0", async () => {
    const r = await waitFor(config, (x) => x.ok, "a healthy cluster");
    const state = (h: string) => r.directors.find((d) => d.host === h)!.groups[0];
    assert.equal(state("d1").state, "MASTER");
    assert.equal(state("d1").source, "journal");
    assert.deepEqual(state("d1").vipsHeld, ["10.77.0.100"]);
    assert.equal(state("d2").state, "BACKUP");
    assert.deepEqual(state("d2").vipsHeld, []);
    assert.deepEqual(r.groups[0].masters, ["d1"]);
    for (const d of r.directors) {
      assert.equal(d.ipvs.length, 1, d.host);
      assert.equal(d.ipvs[0].key, "TCP 10.77.0.100:80");
      assert.equal(d.ipvs[0].scheduler, "wrr");
      assert.deepEqual(d.ipvs[0].realServers.map((x) => `${x.host} ${x.forward} ${x.weight}`).sort(), ["r1 Route 1", "r2 Route 1", "r3 Route 2"]);
    }
    for (const rs of r.realServers) {
      assert.deepEqual(rs.vips, [{ vip: "10.77.0.100", bound: true }], rs.host);
      assert.equal(rs.arp?.ok, true, rs.host);
    }
  });

  it("status is read-only: no drift on any host afterwards", async () => {
    await clusterStatus(config);
    const { drift } = await refreshCluster(deployed);
    assert.deepEqual(Object.values(drift).flat(), [], JSON.stringify(drift));
  });

  it("broken by hand: a VIP removed from r2 and a weight changed on d1 are flagged; the CLI exits 1 with --json", async () => {
    await must(lab, "r2", "ip addr del 10.77.0.100/32 dev lvs0");
    await must(lab, "d1", "ipvsadm -e -t 10.77.0.100:80 -r 10.77.0.21:80 -g -w 7");
    const r = await clusterStatus(config);
    assert.deepEqual(codes(r), ["ipvs-weight-wrong d1", "rs-vip-missing r2"]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-status-e2e-")), "Pulumi.e2e.yaml");
    fs.writeFileSync(file, stringify({ config: { "pulumi-lvs:cluster": raw } }));
    const io = captureIo();
    assert.equal(await main(["status", file, "--json"], io), 1, io.stderr.join("\n"));
    const report = JSON.parse(io.stdout.join("\n")) as StatusReport;
    assert.deepEqual(codes(report), ["ipvs-weight-wrong d1", "rs-vip-missing r2"]);
    const d1 = report.directors.find((d) => d.host === "d1")!;
    assert.equal(d1.ipvs[0].realServers.find((x) => x.host === "r1")!.expectedWeight, 1);
  });

  it("keepalived stopped on d1: d1 STOPPED, d2 takes over as MASTER, the stopped daemon is flagged", async () => {
    await must(lab, "d1", "systemctl stop keepalived");
    const r = await waitFor(config, (x) => x.groups[0].masters.join() === "d2" && x.directors[0].groups[0].state === "STOPPED", "failover to d2");
    assert.equal(r.directors.find((d) => d.host === "d2")!.groups[0].state, "MASTER");
    assert.ok(codes(r).includes("keepalived-not-running d1"), codes(r).join(", "));
    assert.ok(!codes(r).some((c) => c.startsWith("two-masters") || c.startsWith("no-master")), codes(r).join(", "));
  });
});
