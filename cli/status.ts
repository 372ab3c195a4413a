// `pulumi-lvs status`, the I/O part: SSH targets from the stack config's ssh settings, one read-only facts round
// trip per host (in parallel), then the pure report (cli/status-report.ts).
import type { ClusterConfig } from "../core/config/schema";
import { ClusterPlan, planCluster } from "../core/plan";
import { targetFor, targetOf } from "../core/plan/target";
import { SshTarget, SshTransport } from "../host/ssh";
import { sshTargetFor } from "../host/ssh-target";
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

/**
 * The SSH target of one host, as the providers build it, for a read-only look: host keys always verified and never
 * recorded (no trust on first use), short deadlines, one retry.
 */
export function statusTarget(config: ClusterConfig, hostName: string, secrets: Record<string, string>): SshTarget {
  const t = sshTargetFor(hostName, targetOf(config, hostName), (key) => (key ? secrets[key] : undefined));
  return {
    ...t,
    hostKeys: { ...t.hostKeys, trustOnFirstUse: false },
    connectTimeoutMs: Math.min(t.connectTimeoutMs, 15_000),
    commandTimeoutMs: 60_000,
    retries: 1,
  };
}

/** Reads every host of the cluster (read-only) and builds the report. Unreachable hosts become problems. */
export async function clusterStatus(config: ClusterConfig, options: { env?: NodeJS.ProcessEnv; plan?: ClusterPlan } = {}): Promise<StatusReport> {
  const secrets = sshSecrets(config, options.env);
  const plan = options.plan ?? planCluster(config);
  const plans = statusPlans(plan.model);
  const results: Record<string, HostResult> = {};
  await Promise.all(
    Object.entries(plans).map(async ([name, plan]) => {
      let transport: SshTransport | undefined;
      try {
        transport = await SshTransport.open(statusTarget(config, name, secrets));
        results[name] = await gatherStatusFacts(transport, plan);
      } catch (e) {
        results[name] = { error: (e as Error).message.replace(/^host \S+: /, "") };
      } finally {
        transport?.close();
      }
    }),
  );
  return statusReport(plan.model, plan.hosts.map((h) => h.state), results);
}
