// A deployment made by the last release keeps working with the current code: the release (built from its commit
// in another folder) creates the stack; the current code, from a third folder, previews no change to any of the
// release's resources (only a new HostPrepare per host, the prepare phase the release did not have), updates with 0
// replaces and 0 host changes, refreshes and destroys it. Refresh and delete run the provider text the release
// stored in state, so this is where a moved module or a changed loader would show.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LabState } from "../../lab/state";
import { closePool } from "../../host/ssh";
import { assertBaseline, snapshotAll } from "../support/data-path";
import { buildRelease, Checkout, copyCheckout, currentCheckout, EngineStack, finishedSteps, pulumiCliDir, releaseCheckout, storedProviders } from "../support/engine";
import { ensureLab, labDown, must } from "../support/lab-session";
import { engineCluster, labPrivateKey, VRRP_PASSWORD } from "./cluster";
import { keepalivedState } from "./display";

/** The last landed release (before the loader and seam changes). */
const RELEASE = "80e59191036a9da2181af9a4527064e60a8767d2";
const REAL = ["r1", "r2"];
const HOSTS = ["d1", "d2", ...REAL];
// The stack, the cluster, Director ×2 and RealServer ×2 with a HostConfig each, a HostDiscovery per real server, the Vip.
const RESOURCES = 1 + 1 + 2 * 2 + 2 * 2 + 2 + 1;

describe("engine: a deployment made by the last release, updated and destroyed by the current code", { timeout: 25 * 60_000 }, () => {
  let lab: LabState;
  let booted = false;
  let tmp: string;
  let stack: EngineStack;
  let release: Checkout;
  let current: Checkout;
  let baseline = new Map<string, string>();
  let created = false;
  const log = (l: string) => console.log(`engine: release: ${l}`);
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

  before(async () => {
    ({ lab, booted } = ensureLab());
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-release-")));
    const t0 = Date.now();
    release = releaseCheckout(`release ${RELEASE.slice(0, 7)}`, buildRelease(RELEASE, path.join(tmp, "release")));
    current = currentCheckout("the current code, in another folder", copyCheckout(path.join(tmp, "current")));
    log(`built ${release.label} in ${secs(Date.now() - t0)}`);
    stack = new EngineStack("engine-release", path.join(tmp, "backend"), pulumiCliDir(), path.join(tmp, "pulumi-home"));
    baseline = await snapshotAll(lab, HOSTS);
    stack.writeConfig(release, engineCluster(lab, REAL.map((host) => ({ host }))));
    await stack.setSecret(release, "sshKey", labPrivateKey(lab));
    await stack.setSecret(release, "vrrpPassword", VRRP_PASSWORD);
  });

  after(async () => {
    try {
      if (created) await stack.destroy(current).catch((e) => log(`cleanup destroy failed: ${(e as Error).message}`));
    } finally {
      closePool();
      fs.rmSync(tmp, { recursive: true, force: true });
      if (booted && process.env.KEEP_LAB !== "1") labDown();
    }
  });

  it("the current code previews no change to the release's resources (a HostPrepare per host is added) and updates with 0 replaces and 0 host changes", async () => {
    const u0 = await stack.up(release);
    created = true;
    log(`release up: ${JSON.stringify(u0.summary.resourceChanges)} in ${secs(u0.ms)}`);
    assert.deepEqual(u0.summary.resourceChanges, { create: RESOURCES });
    const releaseTexts = storedProviders(stack.rawState());

    stack.carryConfig(release, current);
    const before = await keepalivedState(lab, ["d1", "d2"]);
    const p = await stack.preview(current);
    log(`current code's preview: ${JSON.stringify(p.changeSummary)} in ${secs(p.ms)}`);
    for (const op of ["replace", "delete", "create-replacement", "delete-replaced"]) assert.equal(p.changeSummary[op as never], undefined, `no ${op} in ${JSON.stringify(p.changeSummary)}`);
    assert.equal(p.changeSummary.create, HOSTS.length, `only the new HostPrepares are created: ${JSON.stringify(p.changeSummary)}`);
    const u = await stack.up(current);
    log(`current code's up: ${JSON.stringify(u.summary.resourceChanges)} in ${secs(u.ms)}`);
    for (const op of ["replace", "delete"]) assert.equal((u.summary.resourceChanges as Record<string, number> | undefined)?.[op], undefined, `no ${op} in ${JSON.stringify(u.summary.resourceChanges)}`);
    const createdNow = finishedSteps(u.events).filter((x) => x.op === "create").map((x) => x.name).sort();
    assert.deepEqual(createdNow, HOSTS.map((h) => `lvs-${h}-prepare`).sort(), "the up creates only a HostPrepare per host");
    // A same step runs no provider code; an update (new input shapes) must find nothing to change on its host.
    const state = stack.rawState();
    const updated = finishedSteps(u.events).filter((x) => x.op === "update").map((x) => x.name);
    for (const r of state.deployment.resources.filter((x) => updated.includes(x.urn.split("::").pop()!) && x.type.endsWith("HostConfig")))
      assert.deepEqual(r.outputs?.lastChanges, [], `${r.urn.split("::").pop()}: the update ran no command that changed the host`);
    for (const r of state.deployment.resources.filter((x) => x.type.endsWith("HostPrepare")))
      assert.deepEqual(r.outputs?.lastChanges, [], `${r.urn.split("::").pop()}: the prepare of a converged host found nothing to do`);
    log(`${updated.length} resources updated (${updated.join(", ") || "none"}), the rest same`);
    assert.deepEqual(await keepalivedState(lab, ["d1", "d2"]), before, "keepalived neither restarted nor rewritten");
    const unchanged = Object.entries(storedProviders(state)).filter(([urn, text]) => releaseTexts[urn] === text).length;
    log(`${unchanged} of ${Object.keys(releaseTexts).length} resources still carry the release's provider text (a same step keeps the old outputs)`);
  });

  it("refresh and destroy from another folder, running the provider text stored in state: every host back to its baseline", async () => {
    const r = await stack.refresh(current);
    log(`refresh: ${JSON.stringify(r.summary.resourceChanges)} in ${secs(r.ms)}`);
    assert.equal(r.summary.result, "succeeded");
    await must(lab, "d1", "true");
    const d = await stack.destroy(current);
    created = false;
    log(`destroy: ${JSON.stringify(d.summary.resourceChanges)} in ${secs(d.ms)}`);
    assert.deepEqual(d.summary.resourceChanges, { delete: RESOURCES + HOSTS.length }, "the release's resources and the HostPrepares");
    await assertBaseline(lab, baseline, log);
  });
});
