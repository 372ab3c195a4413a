// A tiny web app for lab real servers: busybox httpd on :80 answering with the host's name, run as the transient
// systemd unit lab-web (so it is easy to stop, start, and it does not survive a reboot unless asked).
import { spawnSync } from "node:child_process";
import { LabState, sshOptions } from "./state";

function ssh(lab: LabState, host: string, command: string): { code: number; out: string } {
  const h = lab.hosts[host];
  const r = spawnSync("ssh", [...sshOptions(lab), "-p", String(h.sshPort), `root@${h.address}`, command], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

export function webScript(host: string, port = 80): string {
  return [
    "mkdir -p /srv/lab-web",
    `printf '%s\\n' ${host} > /srv/lab-web/index.html`,
    "systemctl stop lab-web 2>/dev/null || true",
    "systemctl reset-failed lab-web 2>/dev/null || true",
    `systemd-run --quiet --unit=lab-web busybox httpd -f -p ${port} -h /srv/lab-web`,
    // ready when it answers locally
    `for i in $(seq 1 50); do busybox wget -q -O - http://127.0.0.1:${port}/ >/dev/null 2>&1 && exit 0; sleep 0.1; done; exit 1`,
  ].join("\n");
}

/** Starts (or restarts) the web app on each host; throws naming the host that failed. */
export function startWeb(lab: LabState, hosts: string[], port = 80): void {
  for (const host of hosts) {
    const r = ssh(lab, host, webScript(host, port));
    if (r.code !== 0) throw new Error(`lab web app on ${host} did not start (exit ${r.code}): ${r.out}`);
  }
}

export function stopWeb(lab: LabState, hosts: string[]): void {
  for (const host of hosts) ssh(lab, host, "systemctl stop lab-web 2>/dev/null; rm -rf /srv/lab-web; true");
}
