// Runs the real `keepalived --config-test` on rendered files, inside private mount and network namespaces that
// hold exactly the interfaces and /etc/keepalived files the config names, as a provisioned director would.
//
// Each test runs keepalived as PID 1 of its own PID namespace. keepalived 2.2.7 (Debian 12) otherwise kills its own
// config test with SIGTERM (exit 143) whenever a script is configured (issue #2587, fixed in 2.2.8 by aae8e91):
// check_script_secure() compares getppid() with main_pid, which a config test never sets (0), and a process whose
// parent is outside its PID namespace sees getppid() == 0. So scripts — vrrp_script, MISC_CHECK — are tested too.
import { spawn, spawnSync, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface ConfigTestResult {
  ok: boolean;
  exitCode: number | null;
  stderr: string;
}

/** Files as a director holds them; `mode` (octal text, e.g. "0755" for an installed hook script) defaults to 0644. */
export type ConfigFiles = { path: string; content: string; mode?: string }[];

const CONF = "/etc/keepalived/keepalived.conf";

let userChecked = false;

/** keepalived refuses `script_user keepalived_script` when the user does not exist; the provisioner creates it on hosts. */
function ensureScriptUser(): void {
  if (userChecked) return;
  const found = spawnSync("id", ["-u", "keepalived_script"]).status === 0;
  if (!found) execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "keepalived_script"]);
  userChecked = true;
}

/** Interface names a keepalived.conf refers to (`interface X`, `dev X`, lvs_sync_daemon X, track_interface entries). */
export function interfacesIn(conf: string): string[] {
  const names = new Set<string>();
  for (const m of conf.matchAll(/^\s*interface\s+(\S+)/gm)) names.add(m[1]);
  for (const m of conf.matchAll(/\sdev\s+(\S+)/g)) names.add(m[1]);
  for (const m of conf.matchAll(/lvs_sync_daemon\s+(\S+)/g)) names.add(m[1]);
  for (const block of conf.matchAll(/^\s*track_interface \{\n([\s\S]*?)^\s*\}/gm)) for (const m of block[1].matchAll(/^\s*(\S+)/gm)) names.add(m[1]);
  names.delete("lo");
  return [...names];
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function keepalivedConfigTest(files: ConfigFiles): ConfigTestResult {
  return keepalivedConfigTests([files])[0];
}

/** The shell script that config-tests `configs` one after the other in one namespace, its files staged in `dir`. */
function batchScript(configs: ConfigFiles[], dir: string): string {
  // mode=0755: keepalived's script security refuses scripts under a directory others can write to (tmpfs is 1777).
  const lines = ["mount -t tmpfs -o mode=0755 pulumi-lvs-kt /etc/keepalived || exit 99", "ip link set lo up"];
  // The host kernel may lack the dummy module; a veth end is an interface like any other to keepalived.
  const interfaces = [...new Set(configs.flatMap((files) => interfacesIn(files.find((f) => f.path === CONF)?.content ?? "")))];
  interfaces.forEach((name, i) => lines.push(`ip link add ${q(name)} type veth peer name kt-peer${i} && ip link set ${q(name)} up`));
  configs.forEach((files, n) => {
    if (!files.some((f) => f.path === CONF)) throw new Error(`keepalivedConfigTests: config ${n} has no ${CONF}`);
    lines.push("find /etc/keepalived -mindepth 1 -delete");
    files.forEach((f, i) => {
      if (!f.path.startsWith("/etc/keepalived/")) return;
      const staged = path.join(dir, `${n}.${i}`);
      fs.writeFileSync(staged, f.content);
      lines.push(`mkdir -p ${q(path.dirname(f.path))} && cp ${q(staged)} ${q(f.path)} && chmod ${f.mode ?? "0644"} ${q(f.path)}`);
    });
    lines.push(`unshare --pid --fork keepalived --config-test -f ${CONF} >${q(path.join(dir, `${n}.out`))} 2>&1; echo $? >${q(path.join(dir, `${n}.rc`))}`);
  });
  const script = path.join(dir, "run.sh");
  fs.writeFileSync(script, lines.join("\n") + "\n");
  return script;
}

function results(configs: ConfigFiles[], dir: string, run: { status: number | null; stderr: string; error?: Error }): ConfigTestResult[] {
  if (run.status === 99 || run.error) throw new Error(`keepalivedConfigTests: the namespace could not be set up: ${run.stderr}${run.error ?? ""}`);
  return configs.map((_, n) => {
    const rcFile = path.join(dir, `${n}.rc`);
    // The namespace's own setup errors (an interface that could not be made) spoil every test in it.
    const stderr = (fs.existsSync(path.join(dir, `${n}.out`)) ? fs.readFileSync(path.join(dir, `${n}.out`), "utf8") : "") + run.stderr;
    const exitCode = fs.existsSync(rcFile) ? Number(fs.readFileSync(rcFile, "utf8").trim()) : null;
    return { ok: exitCode === 0 && stderr.trim() === "", exitCode, stderr };
  });
}

const batchDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-kt-"));

/**
 * Config-tests many configs in one namespace, one after the other (each keepalived as PID 1 of a fresh PID namespace,
 * /etc/keepalived emptied in between). Any non-zero exit or any stderr fails: keepalived's exit codes have quirks
 * (config warnings exit 5 on 2.2.7).
 */
export function keepalivedConfigTests(configs: ConfigFiles[]): ConfigTestResult[] {
  if (configs.length === 0) return [];
  ensureScriptUser();
  const dir = batchDir();
  try {
    const run = spawnSync("unshare", ["--mount", "--net", "sh", batchScript(configs, dir)], { encoding: "utf8", maxBuffer: 64 << 20 });
    return results(configs, dir, run);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The same, split over `workers` namespaces that run at once. */
export async function keepalivedConfigTestsInParallel(configs: ConfigFiles[], workers: number): Promise<ConfigTestResult[]> {
  ensureScriptUser();
  const size = Math.ceil(configs.length / workers);
  const chunks = Array.from({ length: workers }, (_, i) => configs.slice(i * size, (i + 1) * size)).filter((c) => c.length > 0);
  const done = await Promise.all(
    chunks.map(async (chunk) => {
      const dir = batchDir();
      try {
        const run = await new Promise<{ status: number | null; stderr: string; error?: Error }>((resolve) => {
          const child = spawn("unshare", ["--mount", "--net", "sh", batchScript(chunk, dir)], { stdio: ["ignore", "ignore", "pipe"] });
          let stderr = "";
          child.stderr.on("data", (d) => (stderr += d));
          child.on("error", (error) => resolve({ status: null, stderr, error }));
          child.on("close", (status) => resolve({ status, stderr }));
        });
        return results(chunk, dir, run);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }),
  );
  return done.flat();
}

/**
 * A Debian 13 root with keepalived 2.3.x (test/support/trixie-keepalived.sh builds and caches it), or why it cannot
 * be had. Asked once per process.
 */
let trixie: { root?: string; why?: string } | undefined;
export function trixieKeepalived(): { root?: string; why?: string } {
  if (!trixie) {
    const run = spawnSync("bash", [path.join(__dirname, "..", "..", "..", "test", "support", "trixie-keepalived.sh")], { encoding: "utf8" });
    const root = run.stdout?.trim().split("\n").pop();
    trixie = run.status === 0 && root ? { root } : { why: (run.stderr ?? "").trim().split("\n").slice(-3).join("; ") || `exit ${run.status}` };
  }
  return trixie;
}

/** keepalived --config-test of the trixie root's keepalived (chroot), in private mount + network namespaces. */
export function keepalivedConfigTestOnTrixie(files: ConfigFiles, root: string): ConfigTestResult {
  if (!files.some((f) => f.path === CONF)) throw new Error(`keepalivedConfigTestOnTrixie: no ${CONF} among the files`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-kt-"));
  try {
    const lines = ["set -e"];
    // keepalived 2.3 reads its build options from /etc/keepalived/keepalived.config-opts (packaged): keep it.
    lines.push(`cp ${q(`${root}/etc/keepalived/keepalived.config-opts`)} ${q(`${dir}/config-opts`)}`);
    lines.push(`mount -t tmpfs -o mode=0755 pulumi-lvs-kt ${q(`${root}/etc/keepalived`)}`, "ip link set lo up");
    lines.push(`cp ${q(`${dir}/config-opts`)} ${q(`${root}/etc/keepalived/keepalived.config-opts`)}`, `mount -t proc proc ${q(`${root}/proc`)}`);
    files.forEach((f, i) => {
      if (!f.path.startsWith("/etc/keepalived/")) return;
      const staged = path.join(dir, `${i}`);
      fs.writeFileSync(staged, f.content);
      lines.push(`mkdir -p ${q(root + path.dirname(f.path))}`, `cp ${q(staged)} ${q(root + f.path)}`, `chmod ${f.mode ?? "0644"} ${q(root + f.path)}`);
    });
    interfacesIn(files.find((f) => f.path === CONF)!.content).forEach((name, i) => lines.push(`ip link add ${q(name)} type veth peer name kt-peer${i}`, `ip link set ${q(name)} up`));
    lines.push(`exec chroot ${q(root)} keepalived --config-test -f ${CONF}`);
    const run = spawnSync("unshare", ["--mount", "--net", "sh", "-c", lines.join("\n")], { encoding: "utf8" });
    const stderr = (run.stderr ?? "") + (run.error ? String(run.error) : "");
    return { ok: run.status === 0 && stderr.trim() === "", exitCode: run.status, stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
