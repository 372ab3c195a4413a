// The one way from a host's TargetInputs (plain data, secrets as key names) to an ssh2 target with the secret values:
// used by the providers, the direct driver, the live director order and `pulumi-lvs status`.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TargetInputs } from "../core/plan/target";
import type { SshTarget } from "./ssh";

/** A secret config key's value; undefined for no key. */
export type SecretLookup = (key: string | undefined) => string | undefined;

export function expandHome(p: string | undefined): string | undefined {
  return p && p.startsWith("~/") ? path.join(os.homedir(), p.slice(2)) : p;
}

/**
 * Secret config keys from `config` (the provider's configuration), else from PULUMI_LVS_SECRET_<KEY>; a key set in
 * neither fails, saying how to set it.
 */
export function secretReader(config: { get(key: string): string | undefined } | undefined): SecretLookup {
  return (key) => {
    if (!key) return undefined;
    // Qualified first: the dynamic provider's config prefixes a bare key with the *project* name, which is not
    // pulumi-lvs in a program that uses the package; a bare key serves Config("pulumi-lvs") and the direct driver.
    const value = config?.get(`pulumi-lvs:${key}`) ?? config?.get(key) ?? process.env[`PULUMI_LVS_SECRET_${key.toUpperCase()}`];
    if (value === undefined) throw new Error(`secret config key pulumi-lvs:${key} is not set (pulumi config set --secret pulumi-lvs:${key} …)`);
    return value;
  };
}

/** Host keys are always verified: pinned fingerprints and/or known_hosts, trust on first use only when configured. */
export function sshTargetFor(host: string, t: TargetInputs, secret: SecretLookup): SshTarget {
  const keyFile = expandHome(t.privateKeyFile);
  const knownHostsFile = expandHome(t.knownHostsFile);
  const privateKey = secret(t.privateKeySecret) ?? (keyFile ? fs.readFileSync(keyFile, "utf8") : undefined);
  const agent = t.agent ? process.env.SSH_AUTH_SOCK : undefined;
  return {
    name: host,
    address: t.address,
    port: t.port,
    user: t.user,
    privateKey,
    password: secret(t.passwordSecret),
    agent,
    hostKeys: { fingerprints: t.fingerprints, knownHostsFile, trustOnFirstUse: t.trustOnFirstUse },
    pinHint: `pulumi-lvs:cluster.hosts[name=${host}].hostKey`,
    bastion: t.bastion
      ? {
          name: `${host} (bastion)`,
          address: t.bastion.address,
          port: t.bastion.port,
          user: t.bastion.user ?? t.user,
          privateKey,
          agent,
          hostKeys: { fingerprints: t.bastion.hostKey ? [t.bastion.hostKey] : [], knownHostsFile },
        }
      : undefined,
    connectTimeoutMs: t.connectTimeoutSeconds * 1000,
    commandTimeoutMs: t.commandTimeoutSeconds * 1000,
    retries: 4,
  };
}
