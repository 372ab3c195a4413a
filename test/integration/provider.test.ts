// Integration on the lab's real hosts, through the HostConfig provider: create → assert kernel and service state →
// update → assert → idempotence → drift → delete → the hosts are back to their baseline. Then bad host input.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { ApplyError, applyCluster, destroyCluster, DeploymentState, planWithDiscovery, refreshCluster } from "../../components/direct";
import { hostConfigProvider } from "../../components/host-config-provider";
import { requireValidCluster } from "../../core/config/validate";
import { buildModel } from "../../core/model/cluster";
import { renderCluster } from "../../core/render/host-state";
import { converge } from "../../host/converge";
import { deploymentOf } from "../../host/deploy";
import { closePool, pooledTransport, SshTransport } from "../../host/ssh";
import { TRACE_ENV } from "../../host/trace";
import type { LabState } from "../../lab/state";
import { ensureLab, labDown, labDrCluster, labSshTarget as sshTargetOf, must, onHost } from "../support/lab-session";

const HOSTS = ["d1", "d2", "r1", "r2", "r3"];
const MANAGED = [
  "/etc/keepalived/keepalived.conf",
  "/etc/modules-load.d/pulumi-lvs.conf",
  "/etc/modprobe.d/pulumi-lvs.conf",
  "/etc/sysctl.d/90-pulumi-lvs.conf",
  "/etc/systemd/system/pulumi-lvs-vip.service",
  "/etc/pulumi-lvs/fwmark.nft",
];

/** What delete must restore: managed paths, ARP sysctls, addresses, nft table, IPVS table, keepalived, modules. */
async function snapshot(lab: LabState, host: string): Promise<string> {
  return must(
    lab,
    host,
    [
      `for f in ${MANAGED.join(" ")}; do [ -e "$f" ] && sha256sum "$f"; done`,
      "sysctl -e net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce net.ipv4.conf.eth0.arp_ignore net.ipv4.conf.eth0.arp_announce",
      "ip -o -4 addr show | awk '{print $2, $4}'",
      "ip -o link show lvs0 2>/dev/null | wc -l",
      "nft list table ip pulumi_lvs 2>/dev/null | wc -l",
      "cat /proc/net/ip_vs 2>/dev/null | tail -n +4",
      "systemctl is-active keepalived 2>/dev/null; true",
      // A package install may enable the unit; what matters is whether it is enabled, not the exact word.
      "case $(systemctl is-enabled keepalived 2>/dev/null) in enabled) echo enabled;; *) echo not-enabled;; esac",
      "grep -E '^ip_vs' /proc/modules | awk '{print $1}' | sort",
      "getent passwd keepalived_script | cut -d: -f1",
    ].join("; "),
  );
}

async function ipvsTable(lab: LabState, host: string): Promise<string> {
  return must(lab, host, "ipvsadm -Ln");
}

/** A local TCP relay to `address:port` that counts the connections made through it (each one an SSH attempt). */
async function countingRelay(address: string, port: number): Promise<{ port: number; connections: () => number; close: () => void }> {
  let count = 0;
  const relay = net.createServer((c) => {
    count++;
    const up = net.connect(port, address);
    c.pipe(up).pipe(c);
    c.on("error", () => up.destroy());
    up.on("error", () => c.destroy());
  });
  await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
  return { port: (relay.address() as net.AddressInfo).port, connections: () => count, close: () => relay.close() };
}

/**
 * Runs on a director until `member` has left the IPVS service: prints one line per change of its weight there
 * ("<weight>" or "absent"), polling every 0.1 s.
 */
function watchMemberWeight(lab: LabState, host: string, service: string, member: string) {
  const script = [
    "last=",
    "for i in $(seq 1 1800); do",
    `  w=$(ipvsadm -Ln ${service} | awk '$2 == "${member}" { print $4 }')`,
    '  now=${w:-absent}',
    '  [ "$now" = "$last" ] || { echo "$now"; last=$now; }',
    '  [ "$now" = absent ] && exit 0',
    "  sleep 0.1",
    "done",
    "exit 1",
  ].join("\n");
  return onHost(lab, host, script, 240_000);
}

describe("provider on real hosts", { timeout: 40 * 60_000 }, () => {
  let lab: LabState;
  let booted = false;
  let deployed: DeploymentState = {};
  const baseline = new Map<string, string>();
  const log = (line: string) => console.log(`integration: ${line}`);

  before(async () => {
    ({ lab, booted } = ensureLab());
    for (const h of HOSTS) baseline.set(h, await snapshot(lab, h));
  });

  after(() => {
    closePool();
    if (booted && process.env.KEEP_LAB !== "1") labDown();
  });

  it("a prepare that fails on one host: no host's running config changes, and the other hosts' prepares are undone", async () => {
    // A directory where r2's staged unit file must go: writing it fails, in r2's prepare only.
    const blocker = "/etc/systemd/system/pulumi-lvs-vip.service.pulumi-lvs-staged";
    await must(lab, "r2", `mkdir -p ${blocker}/x`);
    const traceFile = path.join(os.tmpdir(), `pulumi-lvs-trace-${process.pid}.jsonl`);
    process.env[TRACE_ENV] = traceFile;
    try {
      const t0 = Date.now();
      const e = await applyCluster(labDrCluster(lab, { realServers: [{ host: "r1" }, { host: "r2" }] }), {}, { log }).then(
        () => assert.fail("the apply succeeded although r2's prepare cannot stage its files"),
        (err: unknown) => err,
      );
      log(`failed apply after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${(e as Error).message.split("\n")[0]}`);
      assert.ok(e instanceof ApplyError, String(e));
      assert.equal(e.host, "r2");
      assert.match(e.message, /step "stage-files"/);
      assert.deepEqual(e.state, {}, "nothing deployed");
      const events = fs.readFileSync(traceFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { t: string; host: string; phase?: string });
      const phases = events.filter((x) => x.t === "phase").map((x) => `${x.host} ${x.phase}`);
      assert.deepEqual(phases.filter((x) => x.endsWith("commit")), [], "no host's commit started");
      assert.deepEqual(phases.filter((x) => x.endsWith("prepare")).sort(), ["d1 prepare", "d2 prepare", "r1 prepare", "r2 prepare"], "every host was prepared at once");
    } finally {
      delete process.env[TRACE_ENV];
      fs.rmSync(traceFile, { force: true });
      await must(lab, "r2", `rm -rf ${blocker}`);
    }
    for (const h of HOSTS) {
      assert.equal(await snapshot(lab, h), baseline.get(h), `${h}: back to its baseline (nothing running, the prepare undone)`);
      assert.equal((await must(lab, h, "ls /etc/keepalived /etc/systemd/system /etc/sysctl.d 2>/dev/null | grep -c pulumi-lvs-staged || true")).trim(), "0", `${h}: no staged copy left`);
    }
  });

  it("create: real servers get the VIP on lvs0 and ARP sysctls; directors run keepalived with the IPVS service", async () => {
    const t0 = Date.now();
    const traceFile = path.join(os.tmpdir(), `pulumi-lvs-trace-${process.pid}.jsonl`);
    closePool(); // connections the failed apply left open: this apply's own are counted
    process.env[TRACE_ENV] = traceFile;
    try {
      deployed = await applyCluster(labDrCluster(lab, { realServers: [{ host: "r1" }, { host: "r2" }] }), {}, { log });
    } finally {
      delete process.env[TRACE_ENV];
    }
    log(`create took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // One connection per host; two round trips per phase (facts, then one batch; the commit's batch reports the
    // facts that confirm it); every prepare done before the first commit; the directors after the real servers.
    const events = fs.readFileSync(traceFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { t: string; host: string; phase?: string; start: number; end: number });
    fs.rmSync(traceFile, { force: true });
    for (const h of ["d1", "d2", "r1", "r2"]) {
      const mine = events.filter((x) => x.host === h);
      assert.equal(mine.filter((x) => x.t === "connect").length, 1, `${h}: one SSH connection`);
      const runs = (phase: string) => mine.filter((x) => x.t === "run" && x.phase === phase).length;
      assert.deepEqual([runs("prepare"), runs("commit")], [2, 2], `${h}: round trips in prepare and commit`);
    }
    const span = (h: string, phase: string) => events.find((x) => x.t === "phase" && x.host === h && x.phase === phase)!;
    const lastPrepare = Math.max(...["d1", "d2", "r1", "r2"].map((h) => span(h, "prepare").end));
    assert.ok(["d1", "d2", "r1", "r2"].every((h) => span(h, "commit").start >= lastPrepare), "every commit after the last prepare");
    assert.ok(span("d2", "commit").start >= Math.max(span("r1", "commit").end, span("r2", "commit").end), "directors after the real servers");
    assert.ok(span("d1", "commit").start >= span("d2", "commit").end, "the MASTER d1 last");
    log(`prepares ${["d1", "d2", "r1", "r2"].map((h) => `${h} ${((span(h, "prepare").end - span(h, "prepare").start) / 1000).toFixed(1)} s`).join(", ")}; commits ${["r1", "r2", "d2", "d1"].map((h) => `${h} ${((span(h, "commit").end - span(h, "commit").start) / 1000).toFixed(1)} s`).join(", ")}`);
    for (const r of ["r1", "r2"]) {
      assert.match(await must(lab, r, "ip -o -4 addr show dev lvs0"), /inet 10\.77\.0\.100\/32/);
      assert.equal((await must(lab, r, "sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce")).split("\n").slice(0, 2).join(","), "1,2");
      assert.equal((await must(lab, r, "systemctl is-enabled pulumi-lvs-vip.service")).trim(), "enabled");
      assert.match(await must(lab, r, "head -n 1 /etc/sysctl.d/90-pulumi-lvs.conf"), /Managed by pulumi-lvs/);
    }
    for (const d of ["d1", "d2"]) {
      assert.equal((await must(lab, d, "systemctl is-active keepalived")).trim(), "active");
      const table = await ipvsTable(lab, d);
      assert.match(table, /TCP\s+10\.77\.0\.100:80 wrr/);
      assert.match(table, /10\.77\.0\.21:80\s+Route\s+1/);
      assert.match(table, /10\.77\.0\.22:80\s+Route\s+1/);
      assert.match(await must(lab, d, "grep ip_vs /proc/modules | awk '{print $1}'"), /^ip_vs_wrr$/m);
      assert.equal((await must(lab, d, "sysctl -n net.ipv4.vs.expire_nodest_conn")).trim(), "1");
    }
    // VRRP settles: exactly one director holds the VIP, and it is the higher-priority d1.
    await new Promise((r) => setTimeout(r, 5000));
    const holders = [];
    for (const d of ["d1", "d2"]) if (/10\.77\.0\.100\//.test(await must(lab, d, "ip -o -4 addr show dev eth0"))) holders.push(d);
    assert.deepEqual(holders, ["d1"]);
  });

  it("a second apply of the unchanged config issues zero state-changing commands", async () => {
    const { config } = requireValidCluster(labDrCluster(lab, { realServers: [{ host: "r1" }, { host: "r2" }] }));
    let total = 0;
    // Rendered as an apply renders: with the interfaces the config leaves out read on the real servers.
    const plan = await planWithDiscovery(config, undefined, (h) => pooledTransport(sshTargetOf(lab, h)));
    for (const { state, desired } of plan.hosts) {
      const inputs = deploymentOf(desired);
      assert.deepEqual(await hostConfigProvider.diff(state.host, deployed[state.host], inputs), { changes: false }, `${state.host}: diff must say no change`);
      const transport = await pooledTransport(sshTargetOf(lab, state.host));
      const result = await converge(transport, state);
      assert.deepEqual(result.changes, [], `${state.host} still had changes: ${result.changes.join("; ")}`);
      total += result.commandsRun;
    }
    log(`second apply: ${total} state-changing commands`);
    assert.equal(total, 0);
  });

  it("update: a weight change and a new real server reach IPVS by reload; keepalived keeps its PID", async () => {
    const pidBefore = (await must(lab, "d1", "systemctl show -p MainPID --value keepalived")).trim();
    deployed = await applyCluster(labDrCluster(lab, { realServers: [{ host: "r1", weight: 3 }, { host: "r2" }, { host: "r3" }] }), deployed, { log });
    await new Promise((r) => setTimeout(r, 2000));
    const table = await ipvsTable(lab, "d1");
    assert.match(table, /10\.77\.0\.21:80\s+Route\s+3/);
    assert.match(table, /10\.77\.0\.23:80\s+Route\s+1/);
    assert.match(await must(lab, "r3", "ip -o -4 addr show dev lvs0"), /10\.77\.0\.100\/32/);
    assert.equal((await must(lab, "d1", "systemctl show -p MainPID --value keepalived")).trim(), pidBefore, "keepalived was restarted, not reloaded");
  });

  it("removing a real server drains it (weight 0) before removing it", async () => {
    // Observed in d1's IPVS table while the apply runs: r2 goes 1 → 0 → absent, never straight to absent.
    const weights = watchMemberWeight(lab, "d1", "-t 10.77.0.100:80", "10.77.0.22:80");
    await new Promise((r) => setTimeout(r, 1000));
    deployed = await applyCluster(labDrCluster(lab, { realServers: [{ host: "r1", weight: 3 }, { host: "r3" }] }), deployed, { log, drainSeconds: 2 });
    const seen = await weights;
    log(`r2 in d1's IPVS during the apply: ${seen.stdout.trim().split("\n").join(" → ")}`);
    assert.equal(seen.code, 0, `r2 never left d1's IPVS table: ${seen.stdout}${seen.stderr}`);
    assert.deepEqual(seen.stdout.trim().split("\n"), ["1", "0", "absent"], "r2 must be at weight 0 in IPVS before it is removed");
    assert.ok(deployed.d1.lastChanges.some((c) => c.startsWith("drain:")), `d1 changes: ${deployed.d1.lastChanges.join("; ")}`);
    assert.doesNotMatch(await ipvsTable(lab, "d1"), /10\.77\.0\.22:80/);
    assert.equal(await snapshot(lab, "r2"), baseline.get("r2"), "r2 left the cluster, so it is back to its baseline");
  });

  it("drift: a VIP removed by hand is reported by read and repaired by the next apply", async () => {
    await must(lab, "r1", "ip addr del 10.77.0.100/32 dev lvs0");
    // As `pulumi refresh` then `pulumi up`: the next apply starts from what read() returned.
    const { state: refreshed, drift } = await refreshCluster(deployed);
    assert.ok(drift.r1.some((c) => /restart pulumi-lvs-vip\.service/.test(c)), `r1 drift: ${drift.r1.join("; ")}`);
    assert.deepEqual(drift.r3, []);
    const applied: string[] = [];
    deployed = await applyCluster(labDrCluster(lab, { realServers: [{ host: "r1", weight: 3 }, { host: "r3" }] }), refreshed, { log: (l) => (applied.push(l), log(l)) });
    assert.ok(applied.some((l) => l.startsWith("r1: updated")), `r1 must be updated from the refreshed state: ${applied.join(" | ")}`);
    assert.match(await must(lab, "r1", "ip -o -4 addr show dev lvs0"), /10\.77\.0\.100\/32/);
  });

  it("keepalived rejecting a config: the error shows its diagnostics; the old file and process stay", async () => {
    const { config } = requireValidCluster(labDrCluster(lab, { realServers: [{ host: "r1", weight: 3 }, { host: "r3" }] }));
    const d2 = renderCluster(buildModel(config)).find((h) => h.host === "d2")!;
    const before = await must(lab, "d2", "sha256sum /etc/keepalived/keepalived.conf; systemctl show -p MainPID --value keepalived");
    const broken = { ...d2, files: d2.files.map((f) => (f.path.endsWith("keepalived.conf") ? { ...f, content: f.content.replace("lvs_sched wrr", "lvs_sched nonsense") } : f)) };
    const transport = await pooledTransport(sshTargetOf(lab, "d2"));
    await assert.rejects(converge(transport, broken), (e: Error) => /keepalived rejected the new config/.test(e.message) && /nonsense/.test(e.message) && /d2/.test(e.message));
    assert.equal(await must(lab, "d2", "sha256sum /etc/keepalived/keepalived.conf; systemctl show -p MainPID --value keepalived"), before);
    assert.equal((await onHost(lab, "d2", "ls /etc/keepalived/*.pulumi-lvs-new 2>/dev/null")).stdout, "", "no staged file left behind");
  });

  it("delete: every host returns to its pre-provision baseline (packages aside)", async () => {
    await destroyCluster(deployed, { log });
    deployed = {};
    for (const h of HOSTS) assert.equal(await snapshot(lab, h), baseline.get(h), `${h} differs from its baseline`);
  });

  it("an apply where one director cannot be reached: it fails in the prepare phase, before any host's commit; destroy with its state leaves nothing behind", async () => {
    const cluster = labDrCluster(lab, { realServers: [{ host: "r1" }, { host: "r2" }] });
    // d2 points at an address where nothing answers.
    (cluster.hosts as { name: string; address: string }[]).find((h) => h.name === "d2")!.address = "10.77.0.99";
    Object.assign(cluster.ssh as object, { connectTimeoutSeconds: 3 });
    let failure: unknown;
    await applyCluster(cluster, {}, { log }).catch((e) => (failure = e));
    assert.ok(failure instanceof ApplyError, `expected an ApplyError, got ${String(failure)}`);
    log(`failure: ${failure.message.split("\n")[0]}; recorded hosts: ${Object.keys(failure.state).join(", ") || "none"}`);
    assert.equal(failure.host, "d2");
    assert.match(failure.message, /cannot connect to 10\.77\.0\.99:22/);
    // Before the two phases the real servers were committed first and recorded; now no host's commit starts.
    assert.deepEqual(failure.state, {}, "no host was committed");
    assert.equal((await must(lab, "r1", "ip -o link show lvs0 2>/dev/null | wc -l")).trim(), "0", "r1 carries no VIP");
    await destroyCluster(failure.state, { log });
    for (const h of HOSTS) assert.equal(await snapshot(lab, h), baseline.get(h), `${h} differs from its baseline`);
  });

  describe("bad host input", () => {
    it("unknown host key: refused, printing the presented fingerprint and how to pin it", async () => {
      const empty = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kh-")), "known_hosts");
      fs.writeFileSync(empty, "");
      await assert.rejects(SshTransport.open({ ...sshTargetOf(lab, "r1"), hostKeys: { knownHostsFile: empty } }), /unknown SSH host key for 10\.77\.0\.21:22: ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}.*pin it/s);
    });

    it("changed host key: refused as CHANGED", async () => {
      const other = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kh-")), "known_hosts");
      const wrongKey = execFileSync("sh", ["-c", `ssh-keygen -q -t ed25519 -N '' -f ${path.dirname(other)}/k && cut -d' ' -f1,2 ${path.dirname(other)}/k.pub`]).toString().trim();
      fs.writeFileSync(other, `10.77.0.21 ${wrongKey}\n`);
      await assert.rejects(SshTransport.open({ ...sshTargetOf(lab, "r1"), hostKeys: { knownHostsFile: other } }), /CHANGED/);
    });

    it("wrong client key: an authentication error, not retried", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "key-"));
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "k")]);
      // Through a relay that counts TCP connections, with retries allowed: an authentication failure uses one.
      const r1 = sshTargetOf(lab, "r1");
      const relay = await countingRelay(r1.address, r1.port);
      const retries: number[] = [];
      try {
        const kh = path.join(dir, "known_hosts");
        const key = fs.readFileSync(lab.knownHosts, "utf8").split("\n").find((l) => l.split(" ")[0].split(",").includes(r1.address))!;
        fs.writeFileSync(kh, `[127.0.0.1]:${relay.port} ${key.split(" ").slice(1).join(" ")}\n`);
        await assert.rejects(
          SshTransport.open({ ...r1, address: "127.0.0.1", port: relay.port, retries: 3, hostKeys: { knownHostsFile: kh }, privateKey: fs.readFileSync(path.join(dir, "k"), "utf8"), onRetry: (n) => retries.push(n) }),
          /authentication as root failed/,
        );
        assert.equal(relay.connections(), 1, "authentication failures are not retried: one connection");
        assert.deepEqual(retries, []);
      } finally {
        relay.close();
      }
    });

    it("sudo without NOPASSWD: fails fast with what to do", async () => {
      const user = lab.hosts.r1.users.find((u) => u.sudo === "password");
      assert.ok(user, "the lab has a user whose sudo needs a password");
      await assert.rejects(SshTransport.open({ ...sshTargetOf(lab, "r1"), user: user.name }), /cannot run sudo without a password.*NOPASSWD/s);
    });

    it("unreachable host: a clear error after bounded retries", async () => {
      // retries: 1 → exactly two attempts of 3 s each (the second after one backoff), then the error says so.
      const retries: number[] = [];
      const t0 = Date.now();
      await assert.rejects(
        SshTransport.open({ ...sshTargetOf(lab, "r1"), address: "10.77.0.99", connectTimeoutMs: 3000, retries: 1, onRetry: (n) => retries.push(n) }),
        /cannot connect to 10\.77\.0\.99:22: .*\(gave up after 2 attempts\)/,
      );
      const seconds = (Date.now() - t0) / 1000;
      log(`unreachable host: ${retries.length + 1} attempts in ${seconds.toFixed(1)} s`);
      assert.deepEqual(retries, [1], "one retry, then it gives up");
      assert.ok(seconds >= 2 * 3 && seconds < 15, `two 3 s attempts and one backoff take 6–15 s, not ${seconds.toFixed(1)} s`);
    });
  });
});
