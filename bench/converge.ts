// The converge benchmark (not a test) on the bench lab: pulumi-lvs through the real engine and through the direct
// driver against the physical floor (each host's own converge script, one connection and one script per host, all
// hosts at once), each cold run on freshly booted hosts. Takes the lab lock itself. Usage:
//   node dist/bench/converge.js [--label NAME] [--lab-is-fresh]   (output: bench/out/NAME-*.svg, *.jsonl)
// One boot (under this machine's load a boot of the 11 hosts takes up to 15 min): the first tool runs on the freshly
// booted hosts; before the next, the hosts are reset to fresh: the tool's own destroy, then every package that was not
// on the fresh host purged. The reset is checked: each host's converge planned against its facts after the reset must
// be the very script planned on the fresh host (else the bench says so). --lab-is-fresh: the bench lab is up and
// untouched since its boot (the caller says so); use it instead of booting.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sshOptions, tryLoadLabState, LabState } from "../lab/state";
import { findPulumiCli, packageRoot } from "../program/engine";
import { childrenCpuMs } from "./cpu";
import { formatTable, ratio, Row, verdict } from "./figures";
import { benchCluster, changedWeight, DIRECTORS, REAL_SERVERS } from "./lab-cluster";
import type { Job } from "./tool-run";
import { countsByHost, parseTrace } from "./trace";
import { timelineSvg } from "./timeline-svg";

const LOCK = "/tmp/pulumi-lvs-lab.lock";
const root = packageRoot(__dirname);
const topology = path.join(root, "lab", "topologies", "bench.json");
const HOSTS = [...DIRECTORS, ...REAL_SERVERS];

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const label = arg("--label") ?? "run";
const outDir = path.join(root, "bench", "out");

function lab(cmd: "up" | "down"): void {
  const r = spawnSync("bash", [path.join(root, "lab", "lab.sh"), cmd, ...(cmd === "up" ? [topology] : [])], { stdio: ["ignore", "inherit", "inherit"], timeout: 20 * 60_000 });
  if (r.status !== 0) throw new Error(`lab ${cmd} failed (exit ${r.status})`);
}

function ssh(l: LabState, host: string, command: string): string {
  const h = l.hosts[host];
  const r = spawnSync("ssh", [...sshOptions(l), "-p", String(h.sshPort), `root@${h.address}`, command], { encoding: "utf8", timeout: 10 * 60_000 });
  if (r.status !== 0) throw new Error(`${host}: \`${command}\` exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const PACKAGES = "dpkg-query -W -f='${Package}\\n' | sort";

/** Every package not on the fresh host purged (the tool's destroy ran before), on all hosts at once. */
function purgeToFresh(l: LabState, fresh: Record<string, string>): void {
  const scripts = HOSTS.map((host) => {
    const keep = new Set(fresh[host].split("\n").filter(Boolean));
    const extra = ssh(l, host, PACKAGES).split("\n").filter((p) => p && !keep.has(p));
    return { host, extra };
  });
  for (const { host, extra } of scripts) {
    if (extra.length > 0) ssh(l, host, `DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ${extra.join(" ")} >/dev/null`);
    const left = ssh(l, host, PACKAGES).split("\n").filter((p) => p && !fresh[host].split("\n").includes(p));
    if (left.length > 0) throw new Error(`${host}: packages left after the reset: ${left.join(" ")}`);
    console.log(`# reset ${host}: purged ${extra.join(" ") || "nothing"}`);
  }
}

function freshLab(): LabState {
  lab("down");
  const t = Date.now();
  lab("up");
  console.log(`# fresh bench lab booted in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  return tryLoadLabState()!;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-bench-"));
let jobs = 0;

/** Runs one operation in a child process, traced; returns its row (counts from the trace, CPU of the process tree). */
function run(tool: string, op: string, job: Omit<Job, "resultFile">, timed = true): Row {
  const n = ++jobs;
  const name = `${label}-${tool}-${op}`;
  const trace = path.join(outDir, `${name}.jsonl`);
  fs.rmSync(trace, { force: true });
  const jobFile = path.join(work, `job-${n}.json`);
  const resultFile = path.join(work, `result-${n}.json`);
  fs.writeFileSync(jobFile, JSON.stringify({ ...job, resultFile }));
  const cpu0 = childrenCpuMs();
  const r = spawnSync(process.execPath, [path.join(__dirname, "tool-run.js"), jobFile], { stdio: "inherit", env: { ...process.env, PULUMI_LVS_TRACE: trace }, timeout: 30 * 60_000 });
  const cpuMs = childrenCpuMs() - cpu0;
  const result = JSON.parse(fs.readFileSync(resultFile, "utf8")) as { wallMs?: number; error?: string };
  if (r.status !== 0 || result.error) throw new Error(`${name} failed (exit ${r.status}): ${result.error ?? ""}`);
  const events = fs.existsSync(trace) ? parseTrace(fs.readFileSync(trace, "utf8")) : [];
  if (timed) fs.writeFileSync(path.join(outDir, `${name}.svg`), timelineSvg(events, `${label}: ${tool} ${op}`));
  const summary = resultFile + ".summary";
  const changes = fs.existsSync(summary) ? ` engine ${fs.readFileSync(summary, "utf8")}` : "";
  console.log(`# ${tool} ${op}: ${(result.wallMs! / 1000).toFixed(1)} s wall, ${(cpuMs / 1000).toFixed(2)} s CPU${changes}`);
  return { tool, op, wallMs: result.wallMs!, cpuMs, counts: countsByHost(events, HOSTS) };
}

const lastRs = (rows: Row[], tool: string, op: string) => rows.find((r) => r.tool === tool && r.op === op);

function main(): void {
  if (process.env.PULUMI_LVS_BENCH_LOCKED !== "1") {
    console.log(`# waiting for the lab lock ${LOCK}`);
    const r = spawnSync("flock", ["-w", "3600", LOCK, process.execPath, ...process.argv.slice(1)], { stdio: "inherit", env: { ...process.env, PULUMI_LVS_BENCH_LOCKED: "1" } });
    process.exit(r.status ?? 1);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const cli = findPulumiCli({ build: true });
  if (!cli) throw new Error("no pulumi CLI: .ci/pulumi-cli could not build one");
  const rows: Row[] = [];
  const started = Date.now();
  try {
    let l = process.argv.includes("--lab-is-fresh") ? tryLoadLabState()! : freshLab();
    if (!l || l.topology !== "bench") throw new Error(`the lab up is not the bench topology (${l?.topology})`);
    const cluster = benchCluster(l);
    const changed = benchCluster(l, changedWeight);
    const fresh = Object.fromEntries(HOSTS.map((h) => [h, ssh(l, h, PACKAGES)]));
    // Each host's converge planned against its facts on the fresh host (a read, changing nothing).
    const scripts = path.join(work, "floor-cold.json");
    run("floor", "plan-cold", { tool: "floor-plan", op: "plan", cluster, scriptsFile: scripts }, false);
    const freshScripts = fs.readFileSync(scripts, "utf8");
    const resetAndCheck = (tool: string, job: Omit<Job, "resultFile">) => {
      run(tool, "destroy", job, false);
      purgeToFresh(l, fresh);
      const again = path.join(work, `floor-plan-after-${tool}.json`);
      run("floor", `plan-after-${tool}`, { tool: "floor-plan", op: "plan", cluster, scriptsFile: again }, false);
      const a = JSON.parse(fs.readFileSync(again, "utf8")) as Record<string, string>;
      const b = JSON.parse(freshScripts) as Record<string, string>;
      const differ = HOSTS.filter((h) => a[h] !== b[h]);
      if (differ.length > 0) console.log(`# WARNING: after the reset the converge planned on ${differ.join(", ")} is not the fresh host's: the reset left something (later cold runs are not on fresh hosts)`);
      else console.log(`# reset checked: every host plans the same converge as on the fresh boot`);
    };

    const engineWork = { cliDir: cli.dir, backendDir: path.join(work, "backend"), home: path.join(work, "pulumi-home"), workDir: path.join(root, ".engine-work", `bench-${label}`) };
    fs.rmSync(engineWork.workDir, { recursive: true, force: true });
    rows.push(run("engine", "cold", { tool: "engine", op: "cold", cluster, engine: engineWork }));
    rows.push(run("engine", "noop", { tool: "engine", op: "noop", cluster, engine: engineWork }));
    rows.push(run("engine", "refresh", { tool: "engine", op: "refresh", cluster, engine: engineWork }));
    rows.push(run("engine", "weight", { tool: "engine", op: "weight", cluster: changed, engine: engineWork }));
    resetAndCheck("engine", { tool: "engine", op: "destroy", cluster: changed, engine: engineWork });

    const stateFile = path.join(work, "direct-state.json");
    rows.push(run("direct", "cold", { tool: "direct", op: "cold", cluster, stateFile }));
    rows.push(run("direct", "noop", { tool: "direct", op: "noop", cluster, stateFile }));
    rows.push(run("direct", "refresh", { tool: "direct", op: "refresh", cluster, stateFile }));
    rows.push(run("direct", "weight", { tool: "direct", op: "weight", cluster: changed, stateFile }));
    resetAndCheck("direct", { tool: "direct", op: "destroy", cluster: changed, stateFile });

    // The floor: the fresh hosts' scripts, one connection and one script per host, all at once; then the read a
    // refresh needs; then the weight change's scripts (planned against the converged hosts: only hosts with work).
    rows.push(run("floor", "cold", { tool: "floor", op: "run", cluster, scriptsFile: scripts }));
    rows.push({ tool: "floor", op: "noop", wallMs: 0, cpuMs: 0, counts: countsByHost([], HOSTS) });
    const readScripts = path.join(work, "floor-read.json");
    run("floor", "plan-read", { tool: "floor-plan", op: "read", cluster, scriptsFile: readScripts }, false);
    rows.push(run("floor", "refresh", { tool: "floor", op: "read", cluster, scriptsFile: readScripts }));
    const weightScripts = path.join(work, "floor-weight.json");
    run("floor", "plan-weight", { tool: "floor-plan", op: "plan", cluster: changed, scriptsFile: weightScripts }, false);
    console.log(`# floor weight change touches: ${Object.keys(JSON.parse(fs.readFileSync(weightScripts, "utf8"))).join(", ")}`);
    rows.push(run("floor", "weight", { tool: "floor", op: "run", cluster: changed, scriptsFile: weightScripts }));
  } finally {
    lab("down");
  }
  for (const r of rows) {
    const f = lastRs(rows, "floor", r.op);
    r.floorWallMs = f?.wallMs;
    r.floorCpuMs = f?.cpuMs;
  }
  console.log(`\n## converge on the bench lab (${label}; ${((Date.now() - started) / 60000).toFixed(1)} min with boots)\n`);
  console.log(formatTable(rows, DIRECTORS, REAL_SERVERS));
  const get = (tool: string, op: string) => lastRs(rows, tool, op)!;
  const x = (tool: string, op: string) => ratio(get(tool, op).wallMs, get("floor", op).wallMs);
  const maxOf = (tool: string, op: string, hosts: string[], key: "connections" | "batches") => Math.max(...hosts.map((h) => get(tool, op).counts[h][key]));
  console.log("\n## targets");
  const ec = x("engine", "cold")!;
  console.log(`cold converge through the engine <= 1.2x the floor: ${ec.toFixed(2)}x — ${verdict(ec <= 1.2)}`);
  const dw = x("direct", "weight")!;
  console.log(`weight change by the direct driver <= 1.3x the floor for that change: ${dw.toFixed(2)}x — ${verdict(dw <= 1.3)} (engine: ${x("engine", "weight")!.toFixed(2)}x)`);
  for (const tool of ["engine", "direct"]) {
    const rs = maxOf(tool, "noop", REAL_SERVERS, "connections");
    console.log(`${tool}: no-op with refresh off opens no SSH connection to unchanged real servers: max ${rs} per real server — ${verdict(rs === 0)}`);
    const rr = maxOf(tool, "refresh", REAL_SERVERS, "connections");
    const rd = maxOf(tool, "refresh", DIRECTORS, "connections");
    console.log(`${tool}: no-op with refresh: <= 1 connection per real server and <= 2 per director: max ${rr} per real server, ${rd} per director — ${verdict(rr <= 1 && rd <= 2)}`);
  }
  console.log(`\ntimelines: ${outDir}/${label}-*.svg; traces: ${outDir}/${label}-*.jsonl`);
}

if (require.main === module) main();
