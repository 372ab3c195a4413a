// `pulumi-lvs status`, the I/O part: SSH targets from the stack config's ssh settings, one read-only facts round
// trip per host (in parallel), then the pure report (cli/status-report.ts).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ClusterConfig } from "../core/config/schema";
import { buildModel, ClusterModel } from "../core/model/cluster";
import { renderCluster } from "../core/render/host-state";
import { targetFor } from "../components/target";
import { SshTarget, SshTransport } from "../host/ssh";
import { gatherStatusFacts } from "../host/facts/status-facts";
import { HostResult, statusPlans, statusReport, StatusReport } from "./status-report";

/** Environment variable names that may hold a secret config key's value (the provider reads the first one). */
export function secretEnvNames(key: string): string[] {
  const plain = `PULUMI_LVS_SECRET_${key.toUpperCase()}`;
  const safe = `PULUMI_LVS_SECRET_${key.replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}`;
  return plain === safe ? [plain] : [plain, safe];
}

export class MissingSecretError extends Error {}

/** Secret keys the SSH settings of the status hosts need (private keys, passwords), without their values. */
export function sshSecretKeys(config: ClusterConfig): string[] {
  const keys = new Set<string>();
  for (const h of config.hosts) {
    const t = targetFor(config, h);
    if (t.privateKeySecret) keys.add(t.privateKeySecret);
    if (t.passwordSecret) keys.add(t.passwordSecret);
  }
  return [...keys].sort();
}

/** Reads every needed secret from PULUMI_LVS_SECRET_<KEY>; a missing one fails before any connection. */
export function sshSecrets(config: ClusterConfig, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const key of sshSecretKeys(config)) {
    const name = secretEnvNames(key).find((n) => env[n] !== undefined);
    if (name) out[key] = env[name]!;
    else missing.push(`pulumi-lvs:${key} (set ${secretEnvNames(key)[0]})`);
  }
  if (missing.length > 0)
    throw new MissingSecretError(
      `the ssh settings reference secret config values that cannot be decrypted offline: ${missing.join(", ")}. ` +
        `Export them, e.g. ${secretEnvNames(sshSecretKeys(config)[0])[0]}="$(pulumi config get pulumi-lvs:${sshSecretKeys(config)[0]})", or use ssh.privateKeyFile.`,
    );
  return out;
}

function expandHome(p: string | undefined): string | undefined {
  return p && p.startsWith("~/") ? path.join(os.homedir(), p.slice(2)) : p;
}

/** The SSH target of one host, as the provider builds it (host keys always verified), with few retries. */
export function sshTargetFor(config: ClusterConfig, hostName: string, secrets: Record<string, string>): SshTarget {
  const host = config.hosts.find((h) => h.name === hostName);
  if (!host) throw new Error(`no host named ${hostName}`);
  const t = targetFor(config, host);
  const keyFile = expandHome(t.privateKeyFile);
  const privateKey = (t.privateKeySecret ? secrets[t.privateKeySecret] : undefined) ?? (keyFile ? fs.readFileSync(keyFile, "utf8") : undefined);
  const agent = t.agent ? process.env.SSH_AUTH_SOCK : undefined;
  const knownHostsFile = expandHome(t.knownHostsFile);
  return {
    name: hostName,
    address: t.address,
    port: t.port,
    user: t.user,
    privateKey,
    password: t.passwordSecret ? secrets[t.passwordSecret] : undefined,
    agent,
    hostKeys: { fingerprints: t.fingerprints, knownHostsFile, trustOnFirstUse: false },
    pinHint: `pulumi-lvs:cluster.hosts[name=${hostName}].hostKey`,
    bastion: t.bastion
      ? { name: `${hostName} (bastion)`, address: t.bastion.address, port: t.bastion.port, user: t.bastion.user ?? t.user, privateKey, agent, hostKeys: { fingerprints: t.bastion.hostKey ? [t.bastion.hostKey] : [], knownHostsFile } }
      : undefined,
    connectTimeoutMs: Math.min(t.connectTimeoutSeconds, 15) * 1000,
    commandTimeoutMs: 60_000,
    retries: 1,
  };
}

/** Reads every host of the cluster (read-only) and builds the report. Unreachable hosts become problems. */
export async function clusterStatus(config: ClusterConfig, options: { env?: NodeJS.ProcessEnv; model?: ClusterModel } = {}): Promise<StatusReport> {
  const secrets = sshSecrets(config, options.env);
  const model = options.model ?? buildModel(config);
  const hosts = renderCluster(model);
  const plans = statusPlans(model);
  const results: Record<string, HostResult> = {};
  await Promise.all(
    Object.entries(plans).map(async ([name, plan]) => {
      let transport: SshTransport | undefined;
      try {
        transport = await SshTransport.open(sshTargetFor(config, name, secrets));
        results[name] = await gatherStatusFacts(transport, plan);
      } catch (e) {
        results[name] = { error: (e as Error).message.replace(/^host \S+: /, "") };
      } finally {
        transport?.close();
      }
    }),
  );
  return statusReport(model, hosts, results);
}
