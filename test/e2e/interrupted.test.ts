// Scenario 9: the SSH connection is cut at each step boundary of a director's apply (and once between staging and
// moving files), and mid-command: the whole apply script runs and its connection is dropped while each step is
// running. keepalived must never run an invalid config, and the next run must converge.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { hostConfigProvider, HostConfigOutputs } from "../../components/host-config-provider";
import { configureSecrets } from "../../components/direct";
import { requireValidCluster } from "../../core/config/validate";
import { buildModel } from "../../core/model/cluster";
import { renderCluster, HostState } from "../../core/render/host-state";
import { targetOf } from "../../core/plan/target";
import { applyScript, converge, gatherFacts } from "../../host/converge";
import { deploymentFor } from "../../host/deploy";
import { planHost, Plan } from "../../host/plan";
import { closePool, SshTransport } from "../../host/ssh";
import { TMP_SUFFIX } from "../../host/steps/files";
import { LabState, sshOptions } from "../../lab/state";
import { ensureLab, labDown, labDrCluster, labSshTarget as target, must, onHost } from "../support/lab-session";


/** keepalived either does not run, or runs a config that its own config test accepts. */
async function keepalivedSane(lab: LabState, host: string): Promise<string> {
  const r = await onHost(lab, host, "if systemctl is-active -q keepalived; then keepalived --config-test -f /etc/keepalived/keepalived.conf && echo running-valid; else echo stopped; fi");
  assert.equal(r.code, 0, `${host}: keepalived runs a config its config test rejects:\n${r.stdout}${r.stderr}`);
  return r.stdout.trim().split("\n").pop()!;
}

describe("scenario 9: interrupted apply", { timeout: 40 * 60_000 }, () => {
  let lab: LabState;
  let booted = false;
  let state: HostState;
  let created: HostConfigOutputs | undefined;
  const log = (l: string) => console.log(`e2e interrupted: ${l}`);

  before(async () => {
    ({ lab, booted } = ensureLab());
    await configureSecrets({});
    const { config } = requireValidCluster(labDrCluster(lab, { realServers: [{ host: "r1" }, { host: "r2" }] }));
    state = renderCluster(buildModel(config)).find((h) => h.host === "d1")!;
    // Record d1's true baseline once: a create followed by a delete returns the host to it.
    created = (await hostConfigProvider.create(deploymentFor(state, targetOf(config, "d1")))).outs!;
    await hostConfigProvider.delete("d1", created);
  });

  after(async () => {
    closePool();
    if (booted && process.env.KEEP_LAB !== "1") labDown();
  });

  /** After a cut: the re-run converges d1, keepalived then runs a valid config, nothing staged is left; d1 reset. */
  async function rerunConverges(label: string): Promise<void> {
    const between = await keepalivedSane(lab, "d1");
    const again = await SshTransport.open(target(lab, "d1"));
    try {
      const rerun = await converge(again, state);
      const left = planHost(state, await gatherFacts(again, state));
      assert.equal(left.commands.length, 0, `${label}: not converged after the re-run: ${left.changes.join("; ")}`);
      log(`${label}: between runs keepalived ${between}; re-run applied ${rerun.commandsRun} commands and converged`);
    } finally {
      again.close();
    }
    assert.equal(await keepalivedSane(lab, "d1"), "running-valid");
    assert.equal((await must(lab, "d1", `ls /etc/keepalived/ | grep -c '${TMP_SUFFIX}$' || true`)).trim(), "0", "no staged file is left");
    await hostConfigProvider.delete("d1", created!);
  }

  async function cutAfter(truncate: (plan: Plan) => string, label: string): Promise<void> {
    const transport = await SshTransport.open(target(lab, "d1"));
    const plan = planHost(state, await gatherFacts(transport, state));
    const r = await transport.run(truncate(plan));
    transport.close(); // the cut
    assert.equal(r.code, 0, `${label}: the partial apply itself failed: ${r.stderr}`);
    await rerunConverges(label);
  }

  /**
   * Runs the whole apply script on d1 over its own OpenSSH connection (as the transport runs it: `sh -s`, one brace
   * group on stdin) and kills that connection as soon as d1 announces step `name`, i.e. while the step's commands
   * run. Then waits for the orphaned script on d1 to end (its next write to the dead connection stops it).
   */
  async function cutDuring(script: string, name: string): Promise<string> {
    const h = lab.hosts.d1;
    const ssh = spawn("ssh", [...sshOptions(lab, ["-o", "ControlPath=none"]), "-p", String(h.sshPort), `root@${h.address}`, "sh -s"], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    const cut = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`step ${name} never started: ${out}`)), 300_000);
      ssh.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        if (out.includes(`@@step ${name}\n`)) {
          clearTimeout(timer);
          ssh.kill("SIGKILL"); // the cut: the client dies, its TCP connection with it
          resolve(out);
        }
      });
      ssh.on("close", (code) => {
        clearTimeout(timer);
        if (!out.includes(`@@step ${name}\n`)) reject(new Error(`the apply ended (exit ${code}) before step ${name}: ${out}`));
      });
    });
    ssh.stdin.end(`{\n${script}\n} </dev/null\n`);
    const seen = await cut;
    // The orphan: sshd does not signal a session without a tty; the script stops at its next write to stdout.
    const gone = await onHost(lab, "d1", "for i in $(seq 1 600); do pgrep -f -x 'sh -s' >/dev/null || exit 0; sleep 0.1; done; exit 1", 90_000);
    assert.equal(gone.code, 0, `the cut apply script still runs on d1 after 60 s`);
    return seen;
  }

  it("cut at every step boundary of a first apply: keepalived never runs an invalid config; the re-run converges", async () => {
    const transport = await SshTransport.open(target(lab, "d1"));
    const plan = planHost(state, await gatherFacts(transport, state));
    transport.close();
    const steps = plan.steps.filter((s) => s.result.commands.length > 0);
    assert.ok(steps.length >= 3, `expected several steps on a fresh director, got ${steps.map((s) => s.name).join(", ")}`);
    for (let k = 1; k < steps.length; k++) {
      const keep = new Set(steps.slice(0, k).map((s) => s.name));
      await cutAfter((p) => applyScript({ ...p, steps: p.steps.filter((s) => keep.has(s.name)) }), `cut after ${[...keep].join("+")}`);
    }
  });

  it("cut mid-command: the connection drops while each step of the whole apply script runs; the re-run converges", async () => {
    const transport = await SshTransport.open(target(lab, "d1"));
    const plan = planHost(state, await gatherFacts(transport, state));
    transport.close();
    const steps = plan.steps.filter((s) => s.result.commands.length > 0).map((s) => s.name);
    for (const name of steps) {
      const fresh = await SshTransport.open(target(lab, "d1"));
      const script = applyScript(planHost(state, await gatherFacts(fresh, state)));
      fresh.close();
      const seen = await cutDuring(script, name);
      log(`cut during ${name}: the apply had announced ${[...seen.matchAll(/^@@step (\S+)$/gm)].map((m) => m[1]).join(", ")}`);
      await rerunConverges(`cut during ${name}`);
    }
  });

  it("cut after files are staged but before they are moved into place", async () => {
    await cutAfter((p) => {
      const files = p.steps.find((s) => s.name === "files")!;
      const upToStaged = files.result.commands.filter((c) => !c.startsWith("mv "));
      const earlier = p.steps.slice(0, p.steps.indexOf(files));
      return applyScript({ ...p, steps: [...earlier, { name: "files", result: { commands: upToStaged, changes: [] } }] });
    }, "cut between staging and moving");
  });
});
