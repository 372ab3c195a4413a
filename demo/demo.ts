// `npm run demo`: boot the lab (unless up), start the web app on r1–r3, provision examples/Pulumi.dr.yaml on it
// (through the Pulumi engine when a pulumi CLI is on PATH or built by .ci/pulumi-cli, else the same provider through
// components/direct.ts), send requests through the VIP from c1, and show the VRRP state and IPVS table (the
// `pulumi-lvs status` code). The lab stays up. Re-running converges: unchanged hosts are not touched.
// `npm run demo -- down [--keep-lab]`: destroy the cluster from the saved deployment state, stop the web app,
// then take the lab down (unless --keep-lab).
import { spawnSync, SpawnSyncOptions } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { parseStackFile } from "../core/config/stack-file";
import { requireValidCluster } from "../core/config/validate";
import type { ClusterConfig } from "../core/config/schema";
import { ClusterPlan, planCluster } from "../core/plan";
import { applyCluster, destroyCluster, DeploymentState } from "../components/direct";
import { closePool } from "../host/ssh";
import { hostProcessAlive, LabHost, labHome, LabState, sshOptions, tryLoadLabState } from "../lab/state";
import { startWeb, stopWeb } from "../lab/web";
import { clusterStatus } from "../cli/status";
import type { Stack } from "@pulumi/pulumi/automation";
import { findPulumiCli, inlineStack } from "../program/engine";
import { formatIpvs, formatStatus, StatusReport } from "../cli/status-report";
import { preflight, systemDeps } from "./preflight";
import { HostProgress, progressFromEngine } from "./progress";

const ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  return dir;
})();
const STACK_FILE = path.join(ROOT, "examples", "Pulumi.dr.yaml");
const STACK_NAME = "demo-dr";
const WEB_HOSTS = ["r1", "r2", "r3"];
const CLIENT = "c1";
const REQUESTS = 12;
const runDir = () => path.join(labHome(), "run");
const statePath = () => path.join(runDir(), "demo-state.json");

interface DemoState {
  /** Which lab boot the deployment belongs to: a re-booted lab has fresh disks, so an old state means nothing. */
  labStartedAt: string;
  mode: "direct" | "pulumi";
  stackFile: string;
  deployment: DeploymentState;
}

const t0 = Date.now();
const secs = (from: number) => `${((Date.now() - from) / 1000).toFixed(1)} s`;
const say = (line = "") => process.stdout.write(line + "\n");
const step = (title: string) => say(`\n==> ${title}`);

function run(cmd: string, args: string[], options: SpawnSyncOptions = {}): number {
  const r = spawnSync(cmd, args, { stdio: "inherit", ...options });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function sshTo(lab: LabState, host: string, command: string, timeoutMs = 120_000): { code: number; out: string } {
  const h = lab.hosts[host];
  const r = spawnSync("ssh", [...sshOptions(lab), "-p", String(h.sshPort), `root@${h.address}`, command], { encoding: "utf8", timeout: timeoutMs });
  return { code: r.status ?? -1, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

/** A host restarted with `lab.sh start` has a new qemu PID in run/hosts/<host>/qemu.pid (lab.json keeps the first). */
function hostAlive(host: LabHost): boolean {
  let pid = host.pid;
  try {
    pid = Number(fs.readFileSync(path.join(runDir(), "hosts", host.name, "qemu.pid"), "utf8").trim()) || pid;
  } catch {
    /* lab.json's PID */
  }
  return hostProcessAlive({ ...host, pid });
}

function labIsUp(): LabState | undefined {
  const lab = tryLoadLabState();
  return lab && Object.values(lab.hosts).length > 0 && Object.values(lab.hosts).every(hostAlive) ? lab : undefined;
}

function ensureLab(): LabState {
  const up = labIsUp();
  if (up) {
    say(`lab already up (booted ${up.startedAt}): ${Object.keys(up.hosts).join(", ")}`);
    return up;
  }
  say("booting the lab: bash lab/lab.sh up (the first time builds the image: several minutes)");
  if (run("bash", [path.join(ROOT, "lab", "lab.sh"), "up"]) !== 0) throw new Error("lab up failed");
  const lab = labIsUp();
  if (!lab) throw new Error("lab up finished but its hosts are not running (bash lab/lab.sh status)");
  return lab;
}

function loadState(): DemoState | undefined {
  try {
    return JSON.parse(fs.readFileSync(statePath(), "utf8")) as DemoState;
  } catch {
    return undefined;
  }
}

function saveState(state: DemoState): void {
  fs.mkdirSync(runDir(), { recursive: true });
  const tmp = `${statePath()}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
  fs.renameSync(tmp, statePath());
}

function stackConfig(): { raw: unknown; config: ClusterConfig; plan: ClusterPlan } {
  const stack = parseStackFile(fs.readFileSync(STACK_FILE, "utf8"), STACK_FILE);
  const { config } = requireValidCluster(stack.cluster);
  return { raw: stack.cluster, config, plan: planCluster(config) };
}

/** Web app on the real servers: started only where it is not already answering with the host's name. */
function ensureWeb(lab: LabState): void {
  const why: string[] = [];
  const missing = WEB_HOSTS.filter((h) => {
    const r = sshTo(lab, h, "systemctl is-active --quiet lab-web || { echo '(lab-web not running)'; exit 1; }; timeout 5 busybox wget -q -O - http://127.0.0.1/");
    const ok = r.code === 0 && r.out.trim() === h;
    if (!ok) why.push(`${h}: ${r.out.trim().split("\n")[0] || `exit ${r.code}`}`);
    return !ok;
  });
  if (missing.length === 0) say(`web app already answering on ${WEB_HOSTS.join(", ")}`);
  else {
    startWeb(lab, missing);
    say(`web app started on ${missing.join(", ")} (busybox httpd answering with the host name; was: ${why.join("; ")})`);
  }
}

/** The demo's stack on the real engine: local file backend under the lab's run folder, the stack program inline. */
async function engineStack(cliDir: string): Promise<Stack> {
  const workDir = path.join(ROOT, ".engine-work", "demo");
  fs.mkdirSync(workDir, { recursive: true });
  // The stack config is the example's, rewritten each run; the passphrase salt the engine added is kept.
  const configFile = path.join(workDir, `Pulumi.${STACK_NAME}.yaml`);
  const previous = fs.existsSync(configFile) ? ((parse(fs.readFileSync(configFile, "utf8")) ?? {}) as Record<string, unknown>) : {};
  const example = parse(fs.readFileSync(STACK_FILE, "utf8")) as Record<string, unknown>;
  fs.writeFileSync(configFile, `# Written by npm run demo from examples/Pulumi.dr.yaml\n${stringify({ ...previous, config: example.config })}`);
  return inlineStack({
    cliDir,
    stackName: STACK_NAME,
    workDir,
    backendDir: path.join(runDir(), "pulumi-backend"),
    home: path.join(runDir(), "pulumi-home"),
    passphrase: process.env.PULUMI_CONFIG_PASSPHRASE ?? "pulumi-lvs-demo",
  });
}

const engineOutput = (out: string) => process.stdout.write(out.replace(/^/gm, "  "));

async function provision(lab: LabState, raw: unknown): Promise<void> {
  const previous = loadState();
  const fresh = !previous || previous.labStartedAt !== lab.startedAt;
  if (previous && fresh) say(`saved deployment belongs to an earlier lab boot (${previous.labStartedAt}); starting from scratch`);
  const cli = findPulumiCli();
  if (cli) {
    say(`provisioning ${path.relative(ROOT, STACK_FILE)} through the Pulumi engine: \`pulumi up\` of the stack program (program/stack.ts, run inline by the Automation API), pulumi CLI ${cli.how}; local backend ${runDir()}/pulumi-backend, stack ${STACK_NAME}`);
    const stack = await engineStack(cli.dir);
    // A re-booted lab has fresh hosts: refresh first, so the engine sees what they lack and the up repairs it.
    if (fresh && previous?.mode === "pulumi") await stack.refresh({ onOutput: engineOutput, color: "never" });
    const progress = new HostProgress("converging", say);
    try {
      await stack.up({ onOutput: engineOutput, onEvent: progressFromEngine(progress), color: "never" });
    } finally {
      progress.stop();
    }
    saveState({ labStartedAt: lab.startedAt, mode: "pulumi", stackFile: STACK_FILE, deployment: {} });
    return;
  }
  say(`provisioning ${path.relative(ROOT, STACK_FILE)} through components/direct.ts (no pulumi CLI on PATH nor built by .ci/pulumi-cli: the same HostConfig provider, driven directly; state in ${statePath()})`);
  const progress = new HostProgress("converging", say);
  const onHost = (host: string, phase: "start" | "done", step: "prepare" | "commit") => {
    const key = step === "prepare" ? `${host} (prepare)` : host;
    return phase === "start" ? progress.start(key) : progress.done(key);
  };
  const deployment = await applyCluster(raw, fresh ? {} : previous!.deployment, { log: (l) => say(`  ${l}`), onHost }).finally(() => progress.stop());
  saveState({ labStartedAt: lab.startedAt, mode: "direct", stackFile: STACK_FILE, deployment });
}

/** Polls status until one MASTER holds the VIP and the IPVS table is complete (VRRP needs a few adverts). */
async function settledStatus(config: ClusterConfig, plan: ClusterPlan, timeoutMs = 60_000): Promise<StatusReport> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const report = await clusterStatus(config, { plan });
    if (report.ok || Date.now() > until) return report;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function traffic(lab: LabState, vip: string): Record<string, number> {
  const get = `if command -v curl >/dev/null; then curl -fsS -m 3 http://${vip}/; else timeout 5 busybox wget -q -O - http://${vip}/; fi`;
  const script = `for i in $(seq 1 ${REQUESTS}); do ${get} || echo '(failed)'; done`;
  const r = sshTo(lab, CLIENT, script);
  const counts: Record<string, number> = {};
  for (const line of r.out.split("\n").map((l) => l.trim()).filter(Boolean)) counts[line] = (counts[line] ?? 0) + 1;
  return counts;
}

async function up(): Promise<number> {
  step("set-up: root and the Debian packages the lab needs");
  let t = Date.now();
  const ready = preflight(systemDeps(ROOT, say));
  if (!ready.ok) {
    process.stderr.write(`demo: ${ready.message}\n`);
    return 2;
  }
  say(`${ready.installed.length > 0 ? `installed ${ready.installed.join(" ")}` : "all present"} (${secs(t)})`);

  step("lab");
  t = Date.now();
  const lab = ensureLab();
  say(`(${secs(t)})`);

  step("web app on the real servers");
  t = Date.now();
  ensureWeb(lab);
  say(`(${secs(t)})`);

  step("provision the LVS-DR cluster");
  t = Date.now();
  const { raw, config, plan } = stackConfig();
  await provision(lab, raw);
  say(`(${secs(t)})`);

  step("cluster status (./bin/pulumi-lvs status examples/Pulumi.dr.yaml)");
  t = Date.now();
  const report = await settledStatus(config, plan);
  for (const line of formatStatus(report)) say(line);
  say(`(${secs(t)})`);

  const vip = plan.vips[0];
  step(`${REQUESTS} requests from ${CLIENT} to http://${vip}/`);
  const counts = traffic(lab, vip);
  for (const [who, n] of Object.entries(counts).sort()) say(`  ${who.padEnd(10)} ${"#".repeat(n)} ${n}`);

  step("IPVS on the MASTER after the requests");
  const after = await clusterStatus(config, { plan });
  const master = after.groups[0]?.masters[0];
  for (const d of after.directors.filter((x) => x.host === master)) {
    say(`${d.host} (MASTER):`);
    for (const line of formatIpvs(d)) say(line);
  }

  say(`\ndemo done in ${secs(t0)}; the lab stays up. Explore:`);
  say("  npm run lab -- ssh d1                          # then: ipvsadm -Ln --stats; journalctl -u keepalived");
  say("  ./bin/pulumi-lvs status examples/Pulumi.dr.yaml  # VRRP state, IPVS table, drift (add --json)");
  say("  npm run lab -- ssh d1 systemctl stop keepalived && ./bin/pulumi-lvs status examples/Pulumi.dr.yaml   # failover to d2");
  say("Tear down: npm run demo -- down   (destroys the cluster from the saved state, then npm run lab -- down; --keep-lab keeps the VMs)");
  return after.ok && !counts["(failed)"] ? 0 : 1;
}

async function down(keepLab: boolean): Promise<number> {
  const lab = labIsUp();
  const state = loadState();
  step("destroy the cluster");
  if (!lab) say("lab is not up: nothing to destroy on hosts");
  else if (!state) say(`no saved deployment (${statePath()}): nothing to destroy`);
  else if (state.labStartedAt !== lab.startedAt) say("the saved deployment belongs to an earlier lab boot: nothing to destroy");
  else if (state.mode === "pulumi") {
    const cli = findPulumiCli();
    if (!cli) throw new Error("the demo was provisioned through the Pulumi engine, but no pulumi CLI is found now (bash .ci/pulumi-cli builds it)");
    await (await engineStack(cli.dir)).destroy({ onOutput: engineOutput, color: "never" });
  } else {
    await destroyCluster(state.deployment, { log: (l) => say(`  ${l}`) });
  }
  if (lab) {
    stopWeb(lab, WEB_HOSTS);
    say(`web app stopped on ${WEB_HOSTS.join(", ")}`);
  }
  fs.rmSync(statePath(), { force: true });
  if (!keepLab && lab) {
    step("lab down");
    if (run("bash", [path.join(ROOT, "lab", "lab.sh"), "down"]) !== 0) return 1;
  }
  say(`done in ${secs(t0)}`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command = "up", ...rest] = argv;
  if (command === "up" && rest.length === 0) return up();
  if (command === "down" && rest.every((a) => a === "--keep-lab")) return down(rest.includes("--keep-lab"));
  process.stderr.write("usage: npm run demo [-- up]  |  npm run demo -- down [--keep-lab]\n");
  return 2;
}

main(process.argv.slice(2))
  .then((code) => (process.exitCode = code))
  .catch((e: Error) => {
    process.stderr.write(`demo failed: ${e.message}\n`);
    process.exitCode = 1;
  })
  .finally(() => closePool());
