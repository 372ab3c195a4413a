// SSH target inputs for a host: the cluster's ssh settings merged with the host's overrides; secrets stay references.
import type { ClusterConfig, HostConfig as HostEntry } from "../core/config/schema";
import type { TargetInputs } from "./host-config-provider";

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
