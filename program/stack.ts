// The stack program: reads pulumi-lvs:cluster (and the secrets it references) from the stack config and declares
// the cluster. `index.ts` runs it for `pulumi up`; the engine tests run it as an Automation API inline program.
import * as pulumi from "@pulumi/pulumi";
import { ClusterInput, LvsCluster } from "../components";
import { secretReferences } from "../core/config/secrets";

export interface StackOutputs {
  directors: string[];
  realServers: string[];
  vips: pulumi.Output<string[]>;
  configHashes: pulumi.Output<Record<string, string>>;
}

export function stackProgram(): StackOutputs {
  const config = new pulumi.Config("pulumi-lvs");
  // Read as the stack config holds it; LvsCluster validates it (every problem by key) before declaring anything.
  const cluster = config.requireObject<ClusterInput>("cluster");

  // VRRP passwords are rendered into 0600 files; SSH credentials are read by the provider itself (never inputs).
  const sshKeys = new Set<string>();
  const raw = cluster as { ssh?: { privateKey?: { secret: string }; password?: { secret: string } } };
  for (const ref of [raw.ssh?.privateKey, raw.ssh?.password]) if (ref) sshKeys.add(ref.secret);
  const secrets: Record<string, pulumi.Output<string>> = {};
  for (const { key } of secretReferences(cluster)) if (!sshKeys.has(key)) secrets[key] = config.requireSecret(key);

  const lvs = new LvsCluster("lvs", { config: cluster, secrets, drainSeconds: config.getNumber("drainSeconds") ?? 5 });
  return { directors: lvs.directorHosts, realServers: lvs.realServerHosts, vips: lvs.vipAddresses, configHashes: lvs.configHashes };
}
