// One timed operation of one tool, run in its own process by bench/converge.ts (so the parent can read the CPU the
// whole process tree used from its own cutime/cstime once this exits). Usage: node tool-run.js <job.json>.
// Writes { wallMs } (or { error }) to job.resultFile. The wall time is the operation alone (module loading excluded).
import * as fs from "node:fs";
import { requireValidCluster } from "../core/config/validate";
import { hostPlan } from "../core/plan";
import { targetOf } from "../core/plan/target";
import { applyCluster, DeploymentState, destroyCluster, planWithDiscovery, refreshCluster } from "../components/direct";
import { applyScript, gatherFacts } from "../host/converge";
import { factsScript } from "../host/facts/host-facts";
import { planHost } from "../host/plan";
import { closePool, pooledTransport, SshTransport } from "../host/ssh";
import { secretReader, sshTargetFor } from "../host/ssh-target";
import { inlineStack } from "../program/engine";

export interface Job {
  tool: "engine" | "direct" | "floor-plan" | "floor";
  /** engine/direct: cold | noop | refresh | weight | destroy; floor-plan: plan | read (the facts script of every host); floor: run | read (the scripts in scriptsFile; a read's exit status is not checked). */
  op: string;
  cluster: Record<string, unknown>;
  resultFile: string;
  /** direct: the deployment state carried between runs. */
  stateFile?: string;
  /** floor-plan: where to write { host: script }; floor: where to read it. */
  scriptsFile?: string;
  /** floor-plan: only these hosts (the weight change: the hosts whose plan is not empty). */
  hosts?: string[];
  engine?: { cliDir: string; backendDir: string; home: string; workDir: string };
}

const transportsFor = (cluster: Record<string, unknown>) => {
  const { config } = requireValidCluster(cluster);
  const secret = secretReader({ get: () => undefined });
  return { config, transportFor: (host: string) => pooledTransport(sshTargetFor(host, targetOf(config, host), secret)), targetFor: (host: string) => sshTargetFor(host, targetOf(config, host), secret) };
};

async function engine(job: Job): Promise<void> {
  const e = job.engine!;
  const stack = await inlineStack({ ...e, passphrase: "bench-passphrase", stackName: "bench" });
  await stack.setConfig("pulumi-lvs:cluster", { value: JSON.stringify(job.cluster) });
  if (job.op === "destroy") {
    await stack.destroy({ color: "never", onOutput: () => undefined });
    return;
  }
  const r = await stack.up({ color: "never", refresh: job.op === "refresh", onOutput: () => undefined });
  const changes = r.summary.resourceChanges ?? {};
  fs.writeFileSync(job.resultFile + ".summary", JSON.stringify(changes));
}

async function direct(job: Job): Promise<void> {
  const previous: DeploymentState = job.op === "cold" ? {} : JSON.parse(fs.readFileSync(job.stateFile!, "utf8"));
  if (job.op === "destroy") return destroyCluster(previous);
  const base = job.op === "refresh" ? (await refreshCluster(previous)).state : previous;
  const next = await applyCluster(job.cluster, base);
  fs.writeFileSync(job.stateFile!, JSON.stringify(next));
}

/** Each host's converge as the tool would run it on the host as it is now: planHost against facts read now (untimed). */
async function floorPlan(job: Job): Promise<void> {
  const { config, transportFor } = transportsFor(job.cluster);
  const plan = await planWithDiscovery(config, undefined, transportFor);
  const scripts: Record<string, string> = {};
  await Promise.all(
    plan.hosts.map(async (h) => {
      if (job.hosts && !job.hosts.includes(h.host)) return;
      const state = hostPlan(plan, h.host).state;
      // The read a refresh makes: the host's facts script, whatever it finds.
      if (job.op === "read") return void (scripts[h.host] = factsScript(state));
      const p = planHost(state, await gatherFacts(await transportFor(h.host), state));
      if (p.commands.length > 0) scripts[h.host] = applyScript(p);
    }),
  );
  fs.writeFileSync(job.scriptsFile!, JSON.stringify(scripts));
}

/** The floor: one new connection and one script per host, all hosts at once, no ordering. */
async function floor(job: Job): Promise<void> {
  const { targetFor } = transportsFor(job.cluster);
  const scripts = JSON.parse(fs.readFileSync(job.scriptsFile!, "utf8")) as Record<string, string>;
  await Promise.all(
    Object.entries(scripts).map(async ([host, script]) => {
      const t = await SshTransport.open(targetFor(host));
      try {
        const r = await t.run(script);
        if (r.code !== 0 && job.op !== "read") throw new Error(`${host}: floor script exited ${r.code}: ${r.stderr.slice(-400)}`);
      } finally {
        t.close();
      }
    }),
  );
}

async function main(): Promise<void> {
  const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as Job;
  const start = Date.now();
  try {
    if (job.tool === "engine") await engine(job);
    else if (job.tool === "direct") await direct(job);
    else if (job.tool === "floor-plan") await floorPlan(job);
    else await floor(job);
    fs.writeFileSync(job.resultFile, JSON.stringify({ wallMs: Date.now() - start }));
  } catch (e) {
    fs.writeFileSync(job.resultFile, JSON.stringify({ error: (e as Error).stack ?? String(e) }));
    process.exitCode = 1;
  } finally {
    closePool();
  }
}

void main();
