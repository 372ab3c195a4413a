// Runs the real `keepalived --config-test` on rendered files, inside private mount and network namespaces that
// hold exactly the interfaces and /etc/keepalived files the config names, as a provisioned director would.
import { spawnSync, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { withoutScripts } from "../../core/render/script-free";
import { repoRoot } from "./repo-root";

export interface ConfigTestResult {
  ok: boolean;
  exitCode: number | null;
  stderr: string;
  /** Which keepalived tested it: the host's (Debian 12, 2.2.7), or the trixie root's (2.3.x) for script-bearing configs. */
  testedBy: "host" | "trixie";
  /** Set only when the script blocks were not tested at all (stripped, because no script-capable keepalived was had). */
  note?: string;
}

let userChecked = false;

/** keepalived refuses `script_user keepalived_script` when the user does not exist; the provisioner creates it on hosts. */
function ensureScriptUser(): void {
  if (userChecked) return;
  const found = spawnSync("id", ["-u", "keepalived_script"]).status === 0;
  if (!found) execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "keepalived_script"]);
  userChecked = true;
}

/** Interface names a keepalived.conf refers to (`interface X`, `dev X`, lvs_sync_daemon X). */
export function interfacesIn(conf: string): string[] {
  const names = new Set<string>();
  for (const m of conf.matchAll(/^\s*interface\s+(\S+)/gm)) names.add(m[1]);
  for (const m of conf.matchAll(/\sdev\s+(\S+)/g)) names.add(m[1]);
  for (const m of conf.matchAll(/lvs_sync_daemon\s+(\S+)/g)) names.add(m[1]);
  names.delete("lo");
  return [...names];
}


/**
 * A Debian 13 root with keepalived 2.3.x (test/support/trixie-keepalived.sh builds and caches it), or why it cannot
 * be had. Asked once per process.
 */
let scriptCapable: { root?: string; why?: string } | undefined;
export function scriptCapableKeepalived(): { root?: string; why?: string } {
  if (!scriptCapable) {
    const run = spawnSync("bash", [path.join(repoRoot(), "test", "support", "trixie-keepalived.sh")], { encoding: "utf8" });
    const root = run.stdout?.trim().split("\n").pop();
    scriptCapable = run.status === 0 && root ? { root } : { why: (run.stderr ?? "").trim().split("\n").slice(-3).join("; ") || `exit ${run.status}` };
  }
  return scriptCapable;
}

/**
 * keepalived 2.2.7 (Debian 12) kills its own config test with SIGTERM (exit 143, "Terminated") whenever a
 * script is configured — vrrp_script or MISC_CHECK (keepalived issue #2587, fixed in 2.2.8). Such a config is then
 * tested whole, scripts included, on keepalived 2.3.x from a trixie root. Only when that root cannot be had is it
 * re-tested without its script blocks (everything else still checked); the result's `note` says so, and callers
 * bound how often that may happen.
 */
export function keepalivedConfigTest(files: { path: string; content: string }[]): ConfigTestResult {
  const first = runConfigTest(files);
  const conf = files.find((f) => f.path === "/etc/keepalived/keepalived.conf")!;
  if (first.exitCode === 143 && /^((Terminated|killed by SIGTERM)\s*)*$/.test(first.stderr.trim()) && withoutScripts(conf.content) !== conf.content) {
    const trixie = scriptCapableKeepalived();
    if (trixie.root) return runConfigTest(files, trixie.root);
    const rest = runConfigTest(files.map((f) => (f === conf ? { ...f, content: withoutScripts(f.content) } : f)));
    return { ...rest, note: `script blocks not testable on keepalived 2.2.7 (#2587) and no trixie keepalived (${trixie.why}); the rest of the config was tested` };
  }
  return first;
}

/** keepalived --config-test in private mount + network namespaces; with `root`, the keepalived of that root (chroot). */
function runConfigTest(files: { path: string; content: string }[], root?: string): ConfigTestResult {
  if (!root) ensureScriptUser(); // the trixie root has its own keepalived_script user
  const conf = files.find((f) => f.path === "/etc/keepalived/keepalived.conf");
  if (!conf) throw new Error("keepalivedConfigTest: no /etc/keepalived/keepalived.conf among the files");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-kt-"));
  try {
    const top = root ?? "";
    const lines = ["set -e"];
    // keepalived 2.3 reads its build options from /etc/keepalived/keepalived.config-opts (packaged): keep it.
    if (root) lines.push(`cp '${root}/etc/keepalived/keepalived.config-opts' '${dir}/config-opts'`);
    lines.push(`mount -t tmpfs pulumi-lvs-kt '${top}/etc/keepalived'`, "ip link set lo up");
    if (root) lines.push(`cp '${dir}/config-opts' '${root}/etc/keepalived/keepalived.config-opts'`, `mount -t proc proc '${root}/proc'`);
    files.forEach((f, i) => {
      if (!f.path.startsWith("/etc/keepalived/")) return;
      const staged = path.join(dir, String(i));
      fs.writeFileSync(staged, f.content);
      lines.push(`mkdir -p '${top}${path.dirname(f.path)}'`, `cp '${staged}' '${top}${f.path}'`);
    });
    // The host kernel may lack the dummy module; a veth end is an interface like any other to keepalived.
    interfacesIn(conf.content).forEach((name, i) => lines.push(`ip link add '${name}' type veth peer name kt-peer${i}`, `ip link set '${name}' up`));
    lines.push(`exec ${root ? `chroot '${root}' ` : ""}keepalived --config-test -f /etc/keepalived/keepalived.conf`);
    const run = spawnSync("unshare", ["--mount", "--net", "sh", "-c", lines.join("\n")], { encoding: "utf8" });
    // keepalived's exit codes have quirks (config warnings exit 5 on 2.2.7): any non-zero exit or any stderr fails.
    const stderr = (run.stderr ?? "") + (run.error ? String(run.error) : "") + (run.signal ? `killed by ${run.signal}\n` : "");
    const exitCode = run.signal === "SIGTERM" ? 143 : run.status;
    return { ok: run.status === 0 && stderr.trim() === "", exitCode, stderr, testedBy: root ? "trixie" : "host" };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
