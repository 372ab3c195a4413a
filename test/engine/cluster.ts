// The cluster the engine suite deploys: the lab's DR cluster with its SSH key and VRRP password as Pulumi secrets.
import * as fs from "node:fs";
import type { LabState } from "../../lab/state";
import { labDrCluster } from "../support/lab-session";

export const VIP = "10.77.0.100";
/** A VRRP PASS password (≤ 8 characters) distinctive enough to find anywhere it leaks; a bare word, so releases before auth_pass quoting render it the same (a `!` there was cut off by keepalived, and is quoted now). */
export const VRRP_PASSWORD = "Qz7vRpXk";

export function engineCluster(lab: LabState, realServers: { host: string; weight?: number }[]): Record<string, unknown> {
  const c = labDrCluster(lab, { realServers, vip: VIP });
  c.name = "engine";
  c.ssh = { user: "root", privateKey: { secret: "sshKey" }, knownHostsFile: lab.knownHosts, connectTimeoutSeconds: 20 };
  c.vrrp = [{ name: "VI_ENG", advertInt: 1, auth: { password: { secret: "vrrpPassword" } } }];
  return c;
}

export function labPrivateKey(lab: LabState): string {
  return fs.readFileSync(lab.privateKey, "utf8");
}
