// The path every user takes, through the real Pulumi engine (Automation API, file backend, passphrase secrets):
// a new stack's preview and up, a no-op, a weight change, drift, secrets in state, a real server removed, destroy.
// The stack is created from this checkout and later operated from a copy of it in another folder, as when CI clones
// into a fresh folder: the provider text stored in state must load from both.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LabState } from "../../lab/state";
import { startWeb, stopWeb } from "../../lab/web";
import { closePool } from "../../host/ssh";
import { TRACE_ENV } from "../../host/trace";
import { assertBaseline, formatCounts, ipvsDests, requestsFromClient, snapshotAll, waitForDataPath, CLIENT } from "../support/data-path";
import {
  Checkout,
  copyCheckout,
  currentCheckout,
  EngineStack,
  finishedSteps,
  languageHostOnPath,
  projectCheckout,
  pulumiCliDir,
  startedSteps,
  storedProviders,
} from "../support/engine";
import { ensureLab, labDown, must } from "../support/lab-session";
import { repoRoot } from "../support/repo-root";
import { engineCluster, labPrivateKey, VIP, VRRP_PASSWORD } from "./cluster";
import { diffBlocks, keepalivedState } from "./display";

const REAL = ["r1", "r2", "r3"];
const SERVICE = `-t ${VIP}:80`;
const HOSTS = ["d1", "d2", ...REAL];
// The stack, the cluster, Director ×2 and RealServer ×3 with a HostConfig each, a HostPrepare per host, a
// HostDiscovery per real server (their serving interface is discovered) and the Vip.
const RESOURCES = 1 + 1 + 2 * 2 + 3 * 2 + 5 + 3 + 1;

/** Runs `work` with PULUMI_LVS_TRACE set (the engine passes it to the provider); counts SSH connections by host. */
async function traced<T>(work: () => Promise<T>): Promise<{ result: T; connects: Record<string, number> }> {
  const file = path.join(os.tmpdir(), `pulumi-lvs-engine-trace-${process.pid}.jsonl`);
  fs.rmSync(file, { force: true });
  process.env[TRACE_ENV] = file;
  try {
    const result = await work();
    const connects: Record<string, number> = {};
    const lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : [];
    for (const e of lines.map((l) => JSON.parse(l) as { t: string; host: string })) if (e.t === "connect") connects[e.host] = (connects[e.host] ?? 0) + 1;
    return { result, connects: Object.fromEntries(Object.entries(connects).sort()) };
  } finally {
    delete process.env[TRACE_ENV];
    fs.rmSync(file, { force: true });
  }
}

/**
 * The two phases as the engine ran them: every HostPrepare finished before any HostConfig (commit) started, and the
 * prepares ran at once (all had started before the first one finished). Returns the spans for the log.
 */
function assertPrepareThenCommit(events: Parameters<typeof startedSteps>[0], prepares: string[], commits: string[]): string {
  const started = startedSteps(events);
  const finished = finishedSteps(events);
  const when = (list: typeof started, name: string) => {
    const s = list.find((x) => x.name === name && x.op !== "same");
    assert.ok(s, `${name} in the engine's events: ${list.map((x) => `${x.op} ${x.name}`).join(", ")}`);
    return s.at;
  };
  const lastPrepareEnd = Math.max(...prepares.map((n) => when(finished, n)));
  const firstPrepareEnd = Math.min(...prepares.map((n) => when(finished, n)));
  const lastPrepareStart = Math.max(...prepares.map((n) => when(started, n)));
  const firstCommitStart = Math.min(...commits.map((n) => when(started, n)));
  assert.ok(lastPrepareEnd <= firstCommitStart, `every prepare (last done at ${lastPrepareEnd}) finished before the first commit started (${firstCommitStart})`);
  if (prepares.length > 1) assert.ok(lastPrepareStart < firstPrepareEnd, `the prepares ran at once: the last started (${lastPrepareStart}) before the first finished (${firstPrepareEnd})`);
  return `prepares ${prepares.length} in ${((lastPrepareEnd - Math.min(...prepares.map((n) => when(started, n)))) / 1000).toFixed(1)} s, all running together; first commit ${((firstCommitStart - lastPrepareEnd) / 1000).toFixed(1)} s after the last prepare`;
}

interface Mode {
  name: string;
  skip: string | false;
  /** Where the stack is created, and the other folder that later operations run from. */
  checkouts: (tmp: string) => { here: Checkout; elsewhere: Checkout };
}

const languageHost = languageHostOnPath();
const MODES: Mode[] = [
  {
    name: "inline program",
    skip: false,
    checkouts: (tmp) => ({
      here: currentCheckout("this checkout", repoRoot(), path.join(repoRoot(), ".engine-work", "lifecycle")),
      elsewhere: currentCheckout("a copy in another folder", copyCheckout(path.join(tmp, "elsewhere", "pulumi-lvs"))),
    }),
  },
  {
    name: "pulumi up of Pulumi.yaml",
    skip: languageHost ? false : "pulumi-language-nodejs is not on PATH (the Go module proxy does not serve it); a user's install has it",
    checkouts: (tmp) => ({
      here: projectCheckout("this checkout", repoRoot()),
      elsewhere: projectCheckout("a copy in another folder", copyCheckout(path.join(tmp, "elsewhere", "pulumi-lvs"))),
    }),
  },
];

for (const mode of MODES) {
  describe(`engine (${mode.name}): preview, up, refresh, destroy against the lab`, { timeout: 30 * 60_000, skip: mode.skip }, () => {
    let lab: LabState;
    let booted = false;
    let tmp: string;
    let stack: EngineStack;
    let here: Checkout;
    let elsewhere: Checkout;
    let baseline = new Map<string, string>();
    let created = false;
    const log = (l: string) => console.log(`engine: ${l}`);
    const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const configure = (c: Checkout, weights: Record<string, number>) =>
      stack.writeConfig(c, engineCluster(lab, Object.entries(weights).map(([host, weight]) => ({ host, weight }))));

    before(async () => {
      ({ lab, booted } = ensureLab());
      tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-engine-")));
      ({ here, elsewhere } = mode.checkouts(tmp));
      stack = new EngineStack("engine-lifecycle", path.join(tmp, "backend"), pulumiCliDir(), path.join(tmp, "pulumi-home"));
      baseline = await snapshotAll(lab, [...HOSTS, CLIENT]);
      startWeb(lab, REAL);
      configure(here, { r1: 1, r2: 1, r3: 1 });
      await stack.setSecret(here, "sshKey", labPrivateKey(lab));
      await stack.setSecret(here, "vrrpPassword", VRRP_PASSWORD);
    });

    after(async () => {
      try {
        if (created) await stack.destroy(elsewhere).catch((e) => log(`cleanup destroy failed: ${(e as Error).message}`));
        stopWeb(lab, REAL);
      } finally {
        closePool();
        fs.rmSync(path.join(repoRoot(), ".engine-work", "lifecycle"), { recursive: true, force: true });
        fs.rmSync(tmp, { recursive: true, force: true });
        if (booted && process.env.KEEP_LAB !== "1") labDown();
      }
    });

    it("a new stack: preview shows every resource as create with the discovered values unknown; up creates them; traffic reaches every real server", async () => {
      const p = await stack.preview(here);
      log(`new stack preview: ${JSON.stringify(p.changeSummary)} in ${secs(p.ms)}`);
      assert.deepEqual(p.changeSummary, { create: RESOURCES });
      const configs = diffBlocks(p.output).filter((b) => b.type.endsWith("HostConfig"));
      assert.deepEqual(configs.map((b) => b.name).sort(), HOSTS.map((h) => `lvs-${h}-config`).sort());
      for (const b of configs) {
        // The rendered files depend on the discovered interfaces: unknown, never a guess and never a false "no change".
        assert.match(b.text, /^\s+files\s+: \[unknown\]$/m, `${b.name}: files unknown in preview`);
        assert.match(b.text, /^\s+hash\s+: \[unknown\]$/m, `${b.name}: hash unknown in preview`);
        assert.match(b.text, /^\s+secretFiles\s+: \[secret\]$/m, `${b.name}: secret files shown as [secret]`);
      }

      const u = await stack.up(here);
      created = true;
      log(`up: ${JSON.stringify(u.summary.resourceChanges)} in ${secs(u.ms)}`);
      assert.deepEqual(u.summary.resourceChanges, { create: RESOURCES });
      log(assertPrepareThenCommit(u.events, HOSTS.map((h) => `lvs-${h}-prepare`), HOSTS.map((h) => `lvs-${h}-config`)));
      for (const d of ["d1", "d2"]) assert.equal(await must(lab, d, "ls /etc/keepalived/ | grep -c 'pulumi-lvs-staged$' || true"), "0\n", `${d}: every staged file was moved into place`);
      const settle = await waitForDataPath(lab, { vip: VIP, service: SERVICE, dests: REAL.map((r) => `${lab.hosts[r].address}:80`) });
      const r = await requestsFromClient(lab, `http://${VIP}/`, 30);
      log(`30 requests from c1 ${settle.toFixed(1)} s after up: ${formatCounts(r.counts)}, ${r.errors.length} errors`);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(Object.keys(r.counts).sort(), REAL);
      for (const h of REAL) assert.ok(Math.abs(r.counts[h] - 10) <= 1, `wrr 1/1/1 splits evenly: ${formatCounts(r.counts)}`);
    });

    it("unchanged, from another checkout folder: preview shows 0 changes; up changes nothing on any host", async () => {
      stack.carryConfig(here, elsewhere);
      const before = await keepalivedState(lab, ["d1", "d2"]);
      const vipUnits = await Promise.all(REAL.map((h) => must(lab, h, "systemctl show -p ExecMainStartTimestampMonotonic --value pulumi-lvs-vip.service")));
      const p = await stack.preview(elsewhere);
      log(`no-op preview from ${elsewhere.root}: ${JSON.stringify(p.changeSummary)} in ${secs(p.ms)}`);
      assert.deepEqual(p.changeSummary, { same: RESOURCES });
      const upTrace = await traced(() => stack.up(elsewhere));
      const u = upTrace.result;
      log(`no-op up: ${JSON.stringify(u.summary.resourceChanges)} in ${secs(u.ms)}; SSH connections ${JSON.stringify(upTrace.connects)}`);
      assert.deepEqual(u.summary.resourceChanges, { same: RESOURCES });
      // Refresh off: the only connections are the program's live-order read, one per director; no real server.
      assert.deepEqual(upTrace.connects, { d1: 1, d2: 1 });
      const refreshTrace = await traced(() => stack.refresh(elsewhere));
      log(`no-op refresh: ${JSON.stringify(refreshTrace.result.summary.resourceChanges)} in ${secs(refreshTrace.result.ms)}; SSH connections ${JSON.stringify(refreshTrace.connects)}`);
      assert.deepEqual(refreshTrace.result.summary.resourceChanges, { same: RESOURCES });
      // One connection per host: the HostConfig's read and the HostDiscovery's share the provider's connection.
      assert.deepEqual(refreshTrace.connects, Object.fromEntries(HOSTS.map((h) => [h, 1])));
      // No provider create/update ran, so no command changed a host: keepalived kept its process and its file, the
      // real servers' VIP unit was not restarted.
      assert.deepEqual(await keepalivedState(lab, ["d1", "d2"]), before);
      assert.deepEqual(await Promise.all(REAL.map((h) => must(lab, h, "systemctl show -p ExecMainStartTimestampMonotonic --value pulumi-lvs-vip.service"))), vipUnits);
    });

    it("a weight change: preview shows the weight hunk of keepalived.conf on each director and nothing else; up applies it by reload", async () => {
      configure(elsewhere, { r1: 1, r2: 3, r3: 1 });
      const p = await stack.preview(elsewhere);
      log(`weight change preview: ${JSON.stringify(p.changeSummary)}`);
      assert.deepEqual(p.changeSummary, { same: RESOURCES - 4, update: 4 });
      assert.deepEqual(diffBlocks(p.output).filter((b) => b.op === "update").map((b) => b.name).sort(), ["lvs-d1-config", "lvs-d1-prepare", "lvs-d2-config", "lvs-d2-prepare"], "only the directors: their prepare stages the new keepalived.conf, their commit moves it in");
      const updated = diffBlocks(p.output).filter((b) => b.op === "update" && b.type.endsWith("HostConfig"));
      const r2 = lab.hosts.r2.address;
      for (const b of updated) {
        log(`${b.name} in preview --diff:\n${b.text}`);
        // Only keepalived.conf's text changed among the files (one `~ /path:` entry), by exactly the weight line.
        assert.deepEqual([...b.text.matchAll(/^\s+~ (\/\S+):\s*$/gm)].map((m) => m[1]), ["/etc/keepalived/keepalived.conf"], `${b.name}: one file changed`);
        const changed = b.text.split("\n").filter((l) => /^\s+[-+] {5,}\S/.test(l)).map((l) => l.trim().replace(/\s+/g, " "));
        assert.deepEqual(changed, ["- weight 1", "+ weight 3"], `${b.name}: the hunk is the weight line`);
        assert.match(b.text, new RegExp(`real_server ${r2.replace(/\./g, "\\.")} 80 \\{\\n\\s+-\\s+weight 1\\n\\s+\\+\\s+weight 3`), `${b.name}: the hunk is r2's real_server block`);
        assert.match(b.text, /~ hash\s*: "[0-9a-f]{8}.*" => "[0-9a-f]{8}/, `${b.name}: the hash follows the content`);
        // The prepare's record the commit takes is one line (unknown until the prepare runs), not a baseline dump.
        assert.doesNotMatch(b.text, /^\s+[-+~] (baseline|modules|sysctls)\s*:/m, `${b.name}: no baseline in the diff`);
      }
      const before = await keepalivedState(lab, ["d1", "d2"]);
      const u = await stack.up(elsewhere);
      log(`weight change up: ${JSON.stringify(u.summary.resourceChanges)} in ${secs(u.ms)}`);
      assert.deepEqual(u.summary.resourceChanges, { same: RESOURCES - 4, update: 4 });
      log(assertPrepareThenCommit(u.events, ["lvs-d1-prepare", "lvs-d2-prepare"], ["lvs-d1-config", "lvs-d2-config"]));
      const after = await keepalivedState(lab, ["d1", "d2"]);
      for (const d of ["d1", "d2"]) assert.equal(after[d].pid, before[d].pid, `${d}: keepalived reloaded, not restarted (MainPID ${before[d].pid})`);
      const d1 = (await ipvsDests(lab, "d1", SERVICE)).find((x) => x.address === `${r2}:80`);
      assert.equal(d1?.weight, 3, "d1's IPVS has r2 at weight 3");

      // The provider text the copy stored for the directors is the text this checkout stored for the real servers.
      const texts = storedProviders(stack.rawState());
      const byName = (n: string) => Object.entries(texts).find(([urn]) => urn.endsWith(`::${n}`))?.[1];
      assert.ok(byName("lvs-d1-config") && byName("lvs-r1-config"));
      assert.equal(byName("lvs-d1-config"), byName("lvs-r1-config"), "the stored provider text is the same from both checkout folders");
      for (const t of Object.values(texts)) assert.ok(!t.includes(repoRoot()) && !t.includes(elsewhere.root), "no checkout path in the stored provider text");
    });

    it("drift made by hand on a real server: refresh reports it by name; up repairs it", async () => {
      stack.carryConfig(elsewhere, here);
      await must(lab, "r1", `ip addr del ${VIP}/32 dev lvs0`);
      const r = await stack.refresh(here);
      log(`refresh: ${JSON.stringify(r.summary.resourceChanges)} in ${secs(r.ms)}`);
      assert.deepEqual(r.summary.resourceChanges, { same: RESOURCES - 1, update: 1 });
      // The refresh names the resource and the property that drifted; the state then holds what drifted on the host.
      const named = r.output.split("\n").filter((l) => /lvs-\w+-config/.test(l) && /drift/.test(l));
      log(`refresh output naming the drift: ${named.map((l) => l.trim()).join(" | ")}`);
      assert.ok(named.length === 1 && named[0].includes("lvs-r1-config"), `the refresh names r1's host config and its drift:\n${r.output}`);
      const drift = stack.rawState().deployment.resources.find((x) => x.urn.endsWith("::lvs-r1-config"))?.outputs?.drift;
      assert.deepEqual(drift, ["restart pulumi-lvs-vip.service (live state drifted)"]);
      // The next preview shows the update that repairs it.
      const p = await stack.preview(here);
      const repair = diffBlocks(p.output).filter((b) => b.op === "update");
      assert.deepEqual(repair.map((b) => b.name), ["lvs-r1-config"]);
      assert.match(repair[0].text, /- drift\s*: \[\s*\n\s*-\s+\[0\]: "restart pulumi-lvs-vip.service \(live state drifted\)"/, repair[0].text);
      const u = await stack.up(here);
      log(`repairing up: ${JSON.stringify(u.summary.resourceChanges)} in ${secs(u.ms)}`);
      assert.deepEqual(u.summary.resourceChanges, { same: RESOURCES - 1, update: 1 });
      assert.match(await must(lab, "r1", "ip -o -4 addr show dev lvs0"), new RegExp(` ${VIP.replace(/\./g, "\\.")}/32 `), "the VIP is back on r1's lvs0");
      const again = await stack.refresh(here);
      assert.deepEqual(again.summary.resourceChanges, { same: RESOURCES }, "nothing drifted after the repair");
    });

    it("secrets given with config set --secret stay secret: not in raw state or history, not in the engine's output", async () => {
      const key = labPrivateKey(lab);
      const keyLines = key.split("\n").filter((l) => l.length >= 20 && !l.startsWith("-----"));
      assert.ok(keyLines.length > 0);
      const raw = stack.rawBackend();
      const shown = stack.allOutput;
      for (const [where, text] of [["the raw state, history and backups", raw], ["the engine's output", shown]] as const) {
        assert.ok(!text.includes(VRRP_PASSWORD), `the VRRP password is not in ${where}`);
        for (const l of keyLines) assert.ok(!text.includes(l), `no line of the SSH key is in ${where}`);
      }
      // The VRRP password is in state, encrypted: the directors' secret files are ciphertext, and decrypting the
      // export shows the rendered auth file. The SSH key is in no pulumi-lvs resource, even decrypted: the engine
      // hands stack config to the dynamic-provider plugin through its default provider, whose inputs it records
      // (encrypted, as a secret), and that is the only place it is.
      const state = stack.rawState();
      const d1 = state.deployment.resources.find((r) => r.urn.endsWith("::lvs-d1-config"))!;
      const sealed = d1.outputs!.secretFiles as Record<string, unknown>;
      assert.equal(sealed["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", "secretFiles is a secret in state");
      assert.match(String(sealed.ciphertext), /^v1:/, "secretFiles is stored as ciphertext");
      const decrypted = JSON.parse(stack.cli(here, ["stack", "export", "--show-secrets"])) as { deployment: { resources: { urn: string; type: string }[] } };
      const text = (r: unknown) => JSON.stringify(r);
      assert.ok(decrypted.deployment.resources.some((r) => text(r).includes(`auth_pass ${VRRP_PASSWORD}`)), "the decrypted state holds the rendered auth file");
      const holding = decrypted.deployment.resources.filter((r) => keyLines.some((l) => text(r).includes(l.slice(0, 40))));
      assert.deepEqual(holding.map((r) => r.type), ["pulumi:providers:pulumi-nodejs"], "only the engine's default provider holds the SSH key (as a secret config value)");
      const sealedConfig = state.deployment.resources.find((r) => r.type === "pulumi:providers:pulumi-nodejs")?.inputs?.[`pulumi-lvs:sshKey`] as Record<string, unknown> | undefined;
      assert.match(String(sealedConfig?.ciphertext), /^v1:/, "and only encrypted");
      log(`secrets: raw backend ${raw.length} bytes and ${shown.length} bytes of engine output searched; VRRP password only as ciphertext`);
    });

    it("a real server removed from the config: drained before deletion, directors updated in the live order", async () => {
      const holders = [];
      for (const d of ["d1", "d2"]) if ((await must(lab, d, `ip -o -4 addr show dev ${lab.hosts[d].interface}`)).includes(` ${VIP}/`)) holders.push(d);
      assert.deepEqual(holders, ["d1"], "d1 is MASTER before the change");
      configure(here, { r1: 1, r2: 3 });
      // Watch r3 in d1's IPVS table while the engine works: it must go to weight 0 before it disappears.
      const r3 = `${lab.hosts.r3.address}:80`;
      const seen: string[] = [];
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          const w = (await ipvsDests(lab, "d1", SERVICE)).find((x) => x.address === r3);
          const s = w ? `weight ${w.weight}` : "gone";
          if (seen[seen.length - 1] !== s) seen.push(s);
          await new Promise((res) => setTimeout(res, 300));
        }
      })();
      const u = await stack.up(here).finally(() => (watching = false));
      await watcher;
      log(`remove r3: ${JSON.stringify(u.summary.resourceChanges)} in ${secs(u.ms)}; r3 in d1's IPVS: ${seen.join(" → ")}`);
      assert.deepEqual(u.summary.resourceChanges, { same: RESOURCES - 8, update: 4, delete: 4 }, "directors updated (prepare and commit); r3's RealServer, HostConfig, HostPrepare and HostDiscovery deleted");
      assert.deepEqual(seen, ["weight 1", "weight 0", "gone"], "r3 drained (weight 0) before it was removed");
      const said = u.events.map((e) => e.event.diagnosticEvent?.message ?? "").filter((m) => m.includes("director order"));
      log(`the program said: ${said.map((m) => m.trim()).join(" | ")}`);
      assert.deepEqual(said.map((m) => m.trim()), ["director order: d2, d1 (d1 holds 10.77.0.100)"]);
      const started = startedSteps(u.events);
      const finished = finishedSteps(u.events);
      const at = (list: typeof started, op: string, name: string) => {
        const s = list.find((x) => x.op === op && x.name === name);
        assert.ok(s, `${op} ${name} in the engine's events: ${list.map((x) => `${x.op} ${x.name}`).join(", ")}`);
        return s.at;
      };
      assert.ok(at(finished, "update", "lvs-d2-config") <= at(started, "update", "lvs-d1-config"), "the BACKUP d2 is updated before the MASTER d1 starts");
      assert.ok(at(finished, "update", "lvs-d1-config") <= at(started, "delete", "lvs-r3-config"), "r3's host config is deleted after the directors stopped sending to it");
      assert.equal((await must(lab, "r3", "ip -o link show lvs0 2>/dev/null || echo none")).trim(), "none", "r3 no longer carries the VIP");
    });

    it("destroy, from the other checkout folder: every host back to its baseline", async () => {
      stack.carryConfig(here, elsewhere);
      const d = await stack.destroy(elsewhere);
      created = false;
      log(`destroy: ${JSON.stringify(d.summary.resourceChanges)} in ${secs(d.ms)}`);
      assert.deepEqual(d.summary.resourceChanges, { delete: RESOURCES - 4 }, "everything but r3's four resources (deleted earlier)");
      stopWeb(lab, REAL);
      await assertBaseline(lab, baseline, log);
    });
  });
}
