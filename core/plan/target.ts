// A host's SSH target as plain data: the cluster's ssh settings merged with the host's overrides. Secrets stay
// references (key names), so this can sit in resource inputs; host/ssh-target.ts turns it into a connection.
import type { ClusterConfig, HostConfig as HostEntry } from "../config/schema";

export interface TargetInputs {
  address: string;
  port: number;
  user: string;
  /** Names of secret config keys; the values are read where the connection is made, never stored in state. */
  privateKeySecret?: string;
  passwordSecret?: string;
  privateKeyFile?: string;
  agent?: boolean;
  fingerprints: string[];
  knownHostsFile?: string;
  trustOnFirstUse: boolean;
  bastion?: { address: string; port: number; user?: string; hostKey?: string };
  connectTimeoutSeconds: number;
  commandTimeoutSeconds: number;
}

export function targetFor(config: ClusterConfig, host: HostEntry): TargetInputs {
  const s = { ...config.ssh, ...(host.ssh ?? {}) };
  return {
    address: host.sshAddress ?? host.address,
    port: s.port ?? 22,
    user: s.user ?? "root",
    privateKeySecret: s.privateKey?.secret,
    passwordSecret: s.password?.secret,
    privateKeyFile: s.privateKeyFile,
    agent: s.agent ?? false,
    fingerprints: host.hostKey ? [host.hostKey] : [],
    knownHostsFile: s.knownHostsFile,
    trustOnFirstUse: s.trustOnFirstUse ?? false,
    bastion: s.bastion ? { address: s.bastion.address, port: s.bastion.port ?? 22, user: s.bastion.user, hostKey: s.bastion.hostKey } : undefined,
    connectTimeoutSeconds: s.connectTimeoutSeconds ?? 20,
    commandTimeoutSeconds: s.commandTimeoutSeconds ?? 300,
  };
}

/** The target of the host named `name`; throws when the config has no such host. */
export function targetOf(config: ClusterConfig, name: string): TargetInputs {
  const host = config.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`no host named ${name} in the cluster config`);
  return targetFor(config, host);
}
