// Shared lab access for integration and end-to-end tests: boot (or reuse) the lab, run commands on its hosts.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hostProcessAlive, LabState, sshOptions, tryLoadLabState } from "../../lab/state";

export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  return dir;
}

export interface LabSession {
  lab: LabState;
  /** True when this session booted the lab (and so should take it down). */
  booted: boolean;
}

/** Uses a running healthy lab, or boots the default topology. */
export function ensureLab(): LabSession {
  const current = tryLoadLabState();
  if (current && Object.values(current.hosts).every(hostProcessAlive)) return { lab: current, booted: false };
  const up = spawnSync("bash", [path.join(repoRoot(), "lab", "lab.sh"), "up"], { stdio: "inherit", timeout: 20 * 60_000 });
  if (up.status !== 0) throw new Error(`lab up failed (exit ${up.status})`);
  return { lab: tryLoadLabState()!, booted: true };
}

export function labDown(): void {
  spawnSync("bash", [path.join(repoRoot(), "lab", "lab.sh"), "down"], { stdio: "inherit", timeout: 5 * 60_000 });
}

export interface Shell {
  code: number;
  stdout: string;
  stderr: string;
}

const muxDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-mux-"));

/**
 * Runs a shell command on a lab host as root over OpenSSH (multiplexed), with the lab's known_hosts. Keepalives
 * end a shared connection to a host that was powered off or rebooted within seconds instead of TCP's minutes.
 */
export function onHost(lab: LabState, host: string, command: string, timeoutMs = 120_000, mux = true): Promise<Shell> {
  const h = lab.hosts[host];
  if (!h) throw new Error(`no lab host ${host}`);
  const shared = mux ? ["-o", "ControlMaster=auto", "-o", `ControlPath=${muxDir}/%C`, "-o", "ControlPersist=120"] : ["-o", "ControlPath=none"];
  const args = [...sshOptions(lab, [...shared, "-o", "ServerAliveInterval=2", "-o", "ServerAliveCountMax=3"]), "-p", String(h.sshPort), `root@${h.address}`, command];
  return new Promise((resolve, reject) => {
    const p = spawn("ssh", args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    p.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("error", reject);
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Like onHost, but a non-zero exit fails loudly with the host, the command and its output. */
export async function must(lab: LabState, host: string, command: string): Promise<string> {
  const r = await onHost(lab, host, command);
  if (r.code !== 0) throw new Error(`${host}: \`${command}\` exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/**
 * Reboots the hosts and waits until each answers with a new boot_id and has finished booting. Polls over fresh
 * connections: a shared one may outlive the reboot request, and under TCG a reboot can take many seconds to begin,
 * so "SSH answers" alone does not mean "came back".
 */
export async function rebootAndWait(lab: LabState, hosts: string[], timeoutMs = 10 * 60_000): Promise<void> {
  const bootIds: Record<string, string> = {};
  for (const h of hosts) bootIds[h] = (await must(lab, h, "cat /proc/sys/kernel/random/boot_id")).trim();
  for (const h of hosts) await must(lab, h, "systemd-run --on-active=1 systemctl reboot");
  const deadline = Date.now() + timeoutMs;
  for (const h of hosts) {
    for (;;) {
      const r = await onHost(lab, h, "systemctl is-system-running --wait >/dev/null; cat /proc/sys/kernel/random/boot_id", 180_000, false);
      const id = r.stdout.trim();
      if (r.code === 0 && id && id !== bootIds[h]) break;
      if (Date.now() > deadline) throw new Error(`${h} did not come back with a new boot_id within ${timeoutMs / 1000} s`);
      await new Promise((res) => setTimeout(res, 2000));
    }
  }
}

/** A DR cluster over the lab's hosts: directors d1 (150) and d2 (100), the given real servers. */
export function labDrCluster(lab: LabState, options: { realServers: { host: string; weight?: number }[]; vip?: string; extra?: Record<string, unknown> }): Record<string, unknown> {
  const names = ["d1", "d2", ...options.realServers.map((r) => r.host)];
  return {
    name: "itest",
    subnet: lab.subnet,
    ssh: { user: "root", privateKeyFile: lab.privateKey, knownHostsFile: lab.knownHosts, connectTimeoutSeconds: 20 },
    hosts: names.map((n) => ({ name: n, address: lab.hosts[n].address })),
    directors: [
      { host: "d1", interface: lab.hosts.d1.interface, priority: 150 },
      { host: "d2", interface: lab.hosts.d2.interface, priority: 100 },
    ],
    vrrp: [{ name: "VI_IT", advertInt: 1 }],
    services: [
      {
        name: "http",
        vip: options.vip ?? "10.77.0.100",
        port: 80,
        scheduler: "wrr",
        healthCheck: { type: "NONE" },
        realServers: options.realServers.map((r) => ({ host: r.host, weight: r.weight ?? 1 })),
      },
    ],
    ...(options.extra ?? {}),
  };
}

/** An SSH target (for the host layer's transport) for a lab host, as root, with the lab's key and known_hosts. */
export function labSshTarget(lab: LabState, host: string) {
  return {
    name: host,
    address: lab.hosts[host].address,
    port: lab.hosts[host].sshPort,
    user: "root",
    privateKey: fs.readFileSync(lab.privateKey, "utf8"),
    hostKeys: { knownHostsFile: lab.knownHosts },
    connectTimeoutMs: 20_000,
    commandTimeoutMs: 600_000,
    retries: 2,
  };
}
