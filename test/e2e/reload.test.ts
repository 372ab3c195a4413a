// Scenario: a config change reaches IPVS by keepalived reload, not restart. While c1 holds a long-lived TCP
// connection through the VIP (a deliberately slow HTTP download read by a python3 client with a 4 KiB receive
// window), a weight changes and a real server is added. Only the directors' keepalived.conf changes, keepalived
// keeps its MainPID, VRRP logs no state transition, and the held connection completes intact afterwards.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyCluster, DeploymentState } from "../../components/direct";
import type { LabState } from "../../lab/state";
import { startWeb } from "../../lab/web";
import { ensureLab, must, onHost } from "../support/lab-session";
import { endScenario } from "../support/scenario";
import { startHeldDownload, stopHeldDownload } from "../support/held-download";
import {
  CLIENT,
  formatCounts,
  ipvsDests,
  labCluster,
  requestsFromClient,
  sleep,
  snapshotAll,
  waitFor,
  waitForDataPath,
} from "../support/data-path";

const VIP = "10.77.0.100";
const SERVICE = `-t ${VIP}:80`;
const REAL = ["r1", "r2", "r3"];
const BODY = 2_000_000;

describe("e2e: reload, not restart, under a held connection", { timeout: 20 * 60_000 }, () => {
  let lab: LabState;
  let booted = false;
  let deployed: DeploymentState = {};
  let baseline = new Map<string, string>();
  const log = (l: string) => console.log(`e2e: reload: ${l}`);
  const applyLog: string[] = [];
  const addr = (h: string) => `${lab.hosts[h].address}:80`;

  before(async () => {
    ({ lab, booted } = ensureLab());
    baseline = await snapshotAll(lab, ["d1", "d2", ...REAL, CLIENT]);
    startWeb(lab, REAL);
    for (const r of REAL) await must(lab, r, `head -c ${BODY} /dev/zero > /srv/lab-web/big.bin`);
    const t0 = Date.now();
    deployed = await applyCluster(labCluster(lab, { vip: VIP, scheduler: "wrr", realServers: [{ host: "r1" }, { host: "r2" }] }), {}, { log });
    await waitForDataPath(lab, { vip: VIP, service: SERVICE, dests: [addr("r1"), addr("r2")] });
    log(`provisioned d1, d2 + r1, r2 in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  after(() =>
    endScenario({
      lab,
      deployed,
      web: REAL,
      baseline,
      booted,
      log,
      cleanup: () => stopHeldDownload(lab),
    }),
  );

  it("weight change + new real server: directors reload only, MainPID kept, no VRRP transition, the held connection survives", async () => {
    const pids: Record<string, string> = {};
    // A journal cursor, not a timestamp: a whole-second --since also catches the initial "Entering MASTER STATE"
    // logged in the same second the data path became ready.
    const cursor: Record<string, string> = {};
    for (const d of ["d1", "d2"]) {
      pids[d] = (await must(lab, d, "systemctl show -p MainPID --value keepalived")).trim();
      const shown = await must(lab, d, "journalctl -u keepalived -n 1 --show-cursor --no-pager -o cat");
      const m = /^-- cursor: (\S+)$/m.exec(shown);
      assert.ok(m, `${d}: no journal cursor in:\n${shown}`);
      cursor[d] = m[1];
    }

    // The held connection: started from c1, visible in d1's IPVS connection table as ESTABLISHED.
    const download = await startHeldDownload(lab, VIP);
    const progress = download.progress;
    await waitFor("the slow download to start", 30, async () => ((await progress()) > 0 ? true : undefined));
    const conn = await waitFor("the held connection in d1's IPVS table", 20, async () => {
      const line = (await must(lab, "d1", "ipvsadm -Lnc")).split("\n").find((l) => l.includes(`${lab.hosts[CLIENT].address}:`) && l.includes("ESTABLISHED"));
      return line?.trim();
    });
    log(`held connection open: ${conn.value.replace(/\s+/g, " ")}`);

    // The change: r1's weight 1 → 2, r3 added.
    const t0 = Date.now();
    const previous = deployed;
    deployed = await applyCluster(
      labCluster(lab, { vip: VIP, scheduler: "wrr", realServers: [{ host: "r1", weight: 2 }, { host: "r2" }, { host: "r3" }] }),
      deployed,
      { log: (l) => (applyLog.push(l), log(l)) },
    );
    const applySeconds = (Date.now() - t0) / 1000;
    const atApply = await progress();
    log(`apply took ${applySeconds.toFixed(1)} s; held connection had read ${atApply} bytes`);

    // Which hosts changed: the directors (keepalived.conf + reload), r3 (created); r1 and r2 untouched.
    for (const d of ["d1", "d2"]) {
      const changes = deployed[d].lastChanges;
      log(`${d} lastChanges: ${changes.join("; ")}`);
      assert.deepEqual(changes, ["write /etc/keepalived/keepalived.conf", "reload keepalived.service"], `${d}: only keepalived.conf and a reload`);
    }
    for (const r of ["r1", "r2"]) {
      assert.equal(deployed[r], previous[r], `${r}: the provider must not have touched it`);
      assert.ok(applyLog.includes(`${r}: unchanged`), `${r} must be reported unchanged: ${applyLog.join(" | ")}`);
    }
    assert.ok(deployed.r3.lastChanges.length > 0 && applyLog.some((l) => l.startsWith("r3: created")), "r3 is created");
    log(`r3 lastChanges: ${deployed.r3.lastChanges.join("; ")}`);

    const table = await waitFor("d1's IPVS to show r1=2, r2=1, r3=1", 30, async () => {
      const w = (await ipvsDests(lab, "d1", SERVICE)).map((d) => `${d.address}=${d.weight}`).sort().join(",");
      return w === `${addr("r1")}=2,${addr("r2")}=1,${addr("r3")}=1` ? w : undefined;
    });
    log(`IPVS on d1 after reload: ${table.value}`);

    for (const d of ["d1", "d2"]) {
      const pid = (await must(lab, d, "systemctl show -p MainPID --value keepalived")).trim();
      assert.equal(pid, pids[d], `${d}: keepalived was restarted (MainPID ${pids[d]} → ${pid})`);
      const journal = await must(lab, d, `journalctl -u keepalived --after-cursor '${cursor[d]}' --no-pager -o cat`);
      const transitions = journal.split("\n").filter((l) => /Entering (MASTER|BACKUP|FAULT) STATE|Received higher prio|Priority zero/i.test(l));
      const reloads = journal.split("\n").filter((l) => /reload/i.test(l));
      log(`${d}: MainPID ${pid} unchanged; journal since apply: ${reloads.length} reload lines, ${transitions.length} VRRP transitions`);
      assert.ok(reloads.length > 0, `${d}: the journal shows no reload:\n${journal}`);
      assert.deepEqual(transitions, [], `${d}: VRRP state transitions since the apply:\n${journal}`);
    }

    // The held connection still flows after the reload …
    const before = await progress();
    await sleep(3000);
    const later = await progress();
    log(`held connection after the apply: ${before} → ${later} bytes in 3 s`);
    assert.ok(later > before, "the held connection stalled after the reload");
    // … and, let go at full speed, delivers the whole body.
    await download.fast();
    const result = await download.done;
    log(`held connection result: ${result.stdout.trim().replace(/\n/g, "; ")} (exit ${result.code})`);
    assert.equal(result.code, 0, `the held connection failed: ${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /status HTTP\/1\.[01] 200/);
    assert.match(result.stdout, new RegExp(`^body ${BODY}$`, "m"), "the whole body arrived over the held connection");

    // New connections follow the new weights 2/1/1 (wrr is exact over whole cycles).
    const r = await requestsFromClient(lab, `http://${VIP}/`, 40);
    log(`after reload: 40 requests from c1: ${formatCounts(r.counts)} (expected r1=20 r2=10 r3=10 ±1), ${r.errors.length} errors`);
    assert.deepEqual(r.errors, []);
    for (const [h, want] of Object.entries({ r1: 20, r2: 10, r3: 10 })) assert.ok(Math.abs((r.counts[h] ?? 0) - want) <= 1, formatCounts(r.counts));
  });
});
