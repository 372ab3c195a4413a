// Scenario: health checks move real servers in and out of IPVS. HTTP_GET every 2 s (delayLoop 2, retry 1,
// delayBeforeRetry 1, connectTimeout 1). Stopping the web app on r2 must take r2 out of the MASTER's IPVS table
// within delay_loop × (retry + 1) + slack, after which c1 sees no errors; starting it again brings r2 back.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyCluster, DeploymentState } from "../../components/direct";
import type { LabState } from "../../lab/state";
import { startWeb } from "../../lab/web";
import { ensureLab, must, onHost } from "../support/lab-session";
import { endScenario } from "../support/scenario";
import { CLIENT, formatCounts, ipvsDests, labCluster, requestsFromClient, snapshotAll, waitForDataPath } from "../support/data-path";

const VIP = "10.77.0.100";
const SERVICE = `-t ${VIP}:80`;
const REAL = ["r1", "r2", "r3"];
const DELAY_LOOP = 2;
const RETRY = 1;
// Polling granularity (0.1 s on d1), ssh round trips and a slow TCG guest scheduling keepalived's checker.
const SLACK = 3;
const BOUND = DELAY_LOOP * (RETRY + 1) + SLACK;

describe("e2e: health checks", { timeout: 20 * 60_000 }, () => {
  let lab: LabState;
  let booted = false;
  let deployed: DeploymentState = {};
  let baseline = new Map<string, string>();
  const log = (l: string) => console.log(`e2e: health: ${l}`);
  const addr = (h: string) => `${lab.hosts[h].address}:80`;

  /** Runs on d1: exits 0 as soon as r2 is absent (`gone`) or present (`back`) in the IPVS service. */
  const watch = (want: "gone" | "back") =>
    onHost(
      lab,
      "d1",
      // The service itself must stay: a failing ipvsadm (service gone) is an error (exit 2), not "r2 gone".
      `for i in $(seq 1 600); do t=$(ipvsadm -Ln ${SERVICE}) || { echo "no service ${SERVICE}"; exit 2; }; if echo "$t" | grep -q ' ${addr("r2")} '; then [ ${want} = back ] && exit 0; else [ ${want} = gone ] && exit 0; fi; sleep 0.1; done; exit 1`,
      120_000,
    );

  /** Requests from c1 every ~0.2 s while `until` is pending; returns error count and who answered. */
  const background = (seconds: number) =>
    onHost(lab, CLIENT, `end=$(( $(date +%s) + ${seconds} )); while [ $(date +%s) -lt $end ]; do r=$(curl -s --max-time 1 http://${VIP}/) || r=ERR; echo "\${r:-ERR}"; sleep 0.2; done`, (seconds + 60) * 1000);

  before(async () => {
    ({ lab, booted } = ensureLab());
    baseline = await snapshotAll(lab, ["d1", "d2", ...REAL, CLIENT]);
    startWeb(lab, REAL);
    const t0 = Date.now();
    deployed = await applyCluster(
      labCluster(lab, {
        vip: VIP,
        scheduler: "rr",
        healthCheck: { type: "HTTP", path: "/", delayLoop: DELAY_LOOP, retry: RETRY, delayBeforeRetry: 1, connectTimeout: 1 },
        realServers: REAL.map((host) => ({ host })),
      }),
      {},
      { log },
    );
    await waitForDataPath(lab, { vip: VIP, service: SERVICE, dests: REAL.map(addr) });
    log(`provisioned d1, d2 + r1–r3 with HTTP_GET (delay_loop ${DELAY_LOOP}, retry ${RETRY}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  after(() => endScenario({ lab, deployed, web: REAL, baseline, booted, log }));

  it(`web app stopped on r2: r2 leaves IPVS within ${BOUND} s and c1 sees no errors after; started: it returns`, async () => {
    const first = await requestsFromClient(lab, `http://${VIP}/`, 30);
    assert.deepEqual(first.errors, []);
    assert.deepEqual(Object.keys(first.counts).sort(), REAL, `all three serve before the failure: ${formatCounts(first.counts)}`);

    // Down: the watcher runs on d1 before the stop; the clock is the test host's, from the moment r2's app is gone.
    const probes = background(3 + BOUND + 3);
    const gone = watch("gone");
    await new Promise((r) => setTimeout(r, 1000));
    await must(lab, "r2", "systemctl stop lab-web; ! busybox wget -q -O - http://127.0.0.1:80/ 2>/dev/null");
    const tStop = Date.now();
    const g = await gone;
    const downSeconds = (Date.now() - tStop) / 1000;
    assert.equal(g.code, 0, `r2 never left d1's IPVS table: ${g.stdout}${g.stderr}`);
    const during = (await probes).stdout.trim().split("\n");
    const duringErrors = during.filter((l) => l === "ERR").length;
    log(`r2 stopped: removed from d1's IPVS after ${downSeconds.toFixed(1)} s (bound ${BOUND} s = ${DELAY_LOOP} × (${RETRY} + 1) + ${SLACK}); c1 background probes: ${duringErrors} errors of ${during.length} across the window`);
    assert.ok(downSeconds <= BOUND, `removal took ${downSeconds.toFixed(1)} s > ${BOUND} s`);
    // The BACKUP's own checker removed r2 too, and still has the others (a BACKUP without the service fails here).
    assert.deepEqual((await ipvsDests(lab, "d2", SERVICE)).map((d) => d.address).sort(), [addr("r1"), addr("r3")], "the BACKUP's checker removed r2 too");

    const afterDown = await requestsFromClient(lab, `http://${VIP}/`, 30);
    log(`after removal: 30 requests from c1: ${formatCounts(afterDown.counts)}, ${afterDown.errors.length} errors`);
    assert.deepEqual(afterDown.errors, [], "no client error once r2 is out of the table");
    assert.deepEqual(Object.keys(afterDown.counts).sort(), ["r1", "r3"]);

    // Up again.
    const back = watch("back");
    await new Promise((r) => setTimeout(r, 1000));
    startWeb(lab, ["r2"]);
    const tStart = Date.now();
    const b = await back;
    const upSeconds = (Date.now() - tStart) / 1000;
    assert.equal(b.code, 0, `r2 never returned to d1's IPVS table: ${b.stdout}${b.stderr}`);
    log(`r2 started: back in d1's IPVS after ${upSeconds.toFixed(1)} s (bound ${BOUND} s)`);
    assert.ok(upSeconds <= BOUND, `return took ${upSeconds.toFixed(1)} s > ${BOUND} s`);

    const afterUp = await requestsFromClient(lab, `http://${VIP}/`, 30);
    log(`after return: 30 requests from c1: ${formatCounts(afterUp.counts)}, ${afterUp.errors.length} errors`);
    assert.deepEqual(afterUp.errors, []);
    assert.deepEqual(Object.keys(afterUp.counts).sort(), REAL, "r2 serves again");
  });
});
