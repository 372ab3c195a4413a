// Runs the real keepalived (not its config test) for a moment, in private PID, mount and network namespaces, to see
// which argv its vrrp_scripts get: /run/kp-bin/argv-dump records each call's arguments, and any path given in
// `dumpAs` (e.g. /bin/true) is bind-mounted over by it inside the namespace. No IPVS is needed for the VRRP side.
import { spawn } from "node:child_process";
import { interfacesIn } from "./keepalived-check";

export interface KeepalivedRun {
  /** One entry per script call: its arguments after argv[0]. */
  calls: string[][];
  log: string;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Writes each call whole, then renames it into place: a call cut short when keepalived stops is not read. */
const DUMPER = `#!/bin/sh
t=$(mktemp /run/kp-out/partial.XXXXXX)
for a in "$@"; do printf '%s\\0' "$a"; done > "$t"
mv "$t" "/run/kp-out/call.\${t##*.}"
exit 0
`;

/** Runs keepalived until a script call is recorded or `seconds` (4) pass. */
export function runKeepalived(conf: string, options: { seconds?: number; dumpAs?: string[] } = {}): Promise<KeepalivedRun> {
  const lines = [
    "set -e",
    "mount -t tmpfs kp /etc/keepalived",
    "mkdir -p /run/kp-bin /run/kp-out && mount -t tmpfs kpb /run/kp-bin && mount -t tmpfs kpo /run/kp-out && chmod 755 /run/kp-bin && chmod 777 /run/kp-out",
    `printf '%s' ${q(DUMPER)} > /run/kp-bin/argv-dump && chmod 755 /run/kp-bin/argv-dump`,
    ...(options.dumpAs ?? []).map((p) => `mount --bind /run/kp-bin/argv-dump ${q(p)}`),
    "ip link set lo up",
    ...interfacesIn(conf).map((name, i) => `ip link add ${q(name)} type veth peer name kr-peer${i} && ip link set ${q(name)} up && ip link set kr-peer${i} up`),
    `printf '%s' ${q(conf)} > /etc/keepalived/keepalived.conf`,
    "mkdir -p /run/keepalived && mount -t tmpfs kpr /run/keepalived",
    "keepalived --dont-fork --log-console --no-syslog -f /etc/keepalived/keepalived.conf -p /run/keepalived/k.pid -r /run/keepalived/v.pid -c /run/keepalived/c.pid >/run/kp-out/log 2>&1 &",
    // Until the first call is recorded, or `seconds` (a script keepalived dropped is never called).
    `n=0; while [ $n -lt ${Math.round((options.seconds ?? 4) * 10)} ] && ! ls /run/kp-out/call.* >/dev/null 2>&1; do sleep 0.1; n=$((n+1)); done`,
    "kill $! && wait $! || true",
    "echo '--- log'; base64 -w0 /run/kp-out/log; echo",
    "for f in /run/kp-out/call.*; do [ -e \"$f\" ] && echo \"call:$(base64 -w0 \"$f\")\"; done; true",
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("unshare", ["--pid", "--fork", "--mount", "--net", "sh", "-c", lines.join("\n")], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const [, rest = ""] = stdout.split("--- log\n");
      const [log64 = "", ...calls] = rest.split("\n").filter((l) => l !== "");
      const recorded = calls.filter((c) => c.startsWith("call:")).map((c) => c.slice("call:".length));
      if (code !== 0) return reject(new Error(`runKeepalived: exit ${code}: ${stderr}`));
      resolve({
        log: Buffer.from(log64, "base64").toString("utf8"),
        calls: recorded.map((c) => Buffer.from(c, "base64").toString("utf8").split("\0").slice(0, -1)),
      });
    });
  });
}
