// The Pulumi program: `pulumi up` reads pulumi-lvs:cluster from the stack config and converges every host.
import * as pulumi from "@pulumi/pulumi";
import { LvsCluster } from "./components";
import { secretReferences } from "./core/config/secrets";

const config = new pulumi.Config("pulumi-lvs");
const cluster = config.requireObject<unknown>("cluster");

// VRRP passwords are rendered into 0600 files; SSH credentials are read by the provider itself (never inputs).
const sshKeys = new Set<string>();
const raw = cluster as { ssh?: { privateKey?: { secret: string }; password?: { secret: string } } };
for (const ref of [raw.ssh?.privateKey, raw.ssh?.password]) if (ref) sshKeys.add(ref.secret);
const secrets: Record<string, pulumi.Output<string>> = {};
for (const { key } of secretReferences(cluster)) if (!sshKeys.has(key)) secrets[key] = config.requireSecret(key);

const lvs = new LvsCluster("lvs", { config: cluster, secrets, drainSeconds: config.getNumber("drainSeconds") ?? 5 });

export const directors = lvs.directorHosts;
export const realServers = lvs.realServerHosts;
export const vips = lvs.vipAddresses;
export const configHashes = lvs.configHashes;
