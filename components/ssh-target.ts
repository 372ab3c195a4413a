// Provider-side SSH: a host's TargetInputs (secret key names only) turned into an ssh2 target with the secret values.
import type * as pulumi from "@pulumi/pulumi";
import type { SshTarget } from "../host/ssh";
import type { TargetInputs } from "./host-config-provider";

function expandHome(p: string | undefined): string | undefined {
  return p && p.startsWith("~/") ? require("node:path").join(require("node:os").homedir(), p.slice(2)) : p;
}

/** Reads secret config keys from the provider's configuration, else from PULUMI_LVS_SECRET_<KEY>. */
export function secretReader(config: pulumi.dynamic.Config | undefined): (key: string | undefined) => string | undefined {
  return (key) => {
    if (!key) return undefined;
    const value = config?.get(key) ?? process.env[`PULUMI_LVS_SECRET_${key.toUpperCase()}`];
    if (value === undefined) throw new Error(`secret config key pulumi-lvs:${key} is not set (pulumi config set --secret pulumi-lvs:${key} …)`);
    return value;
  };
}

export function sshTargetFor(host: string, t: TargetInputs, secret: (key: string | undefined) => string | undefined): SshTarget {
  const fs = require("node:fs") as typeof import("node:fs");
  const keyFile = expandHome(t.privateKeyFile);
  const privateKey = () => secret(t.privateKeySecret) ?? (keyFile ? fs.readFileSync(keyFile, "utf8") : undefined);
  return {
    name: host,
    address: t.address,
    port: t.port,
    user: t.user,
    privateKey: privateKey(),
    password: secret(t.passwordSecret),
    agent: t.agent ? process.env.SSH_AUTH_SOCK : undefined,
    hostKeys: { fingerprints: t.fingerprints, knownHostsFile: expandHome(t.knownHostsFile), trustOnFirstUse: t.trustOnFirstUse },
    pinHint: `pulumi-lvs:cluster.hosts[name=${host}].hostKey`,
    bastion: t.bastion
      ? { name: `${host} (bastion)`, address: t.bastion.address, port: t.bastion.port, user: t.bastion.user ?? t.user, privateKey: privateKey(), agent: t.agent ? process.env.SSH_AUTH_SOCK : undefined, hostKeys: { fingerprints: t.bastion.hostKey ? [t.bastion.hostKey] : [], knownHostsFile: expandHome(t.knownHostsFile) } }
      : undefined,
    connectTimeoutMs: t.connectTimeoutSeconds * 1000,
    commandTimeoutMs: t.commandTimeoutSeconds * 1000,
    retries: 4,
  };
}
