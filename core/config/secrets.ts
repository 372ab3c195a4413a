// Finds the secret references in a cluster config and checks each names a secret config key.
import type { ClusterConfig } from "./schema";
import { ConfigIssue, configKey, PathPart } from "./issues";
import { isSecureValue } from "./stack-file";

export interface SecretUse {
  key: string;
  path: PathPart[];
}

export function secretReferences(value: unknown, path: PathPart[] = []): SecretUse[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => secretReferences(v, [...path, i]));
  if (typeof value !== "object" || value === null) return [];
  const record = value as Record<string, unknown>;
  if (typeof record.secret === "string" && Object.keys(record).length === 1) return [{ key: record.secret, path }];
  return Object.entries(record).flatMap(([k, v]) => secretReferences(v, [...path, k]));
}

/**
 * `values` maps short config keys to their stack-file values. A reference to a missing key, or to a key stored
 * in plain text, is an error: secrets must be set with `pulumi config set --secret`.
 */
export function checkSecretReferences(config: ClusterConfig, values: Record<string, unknown>, isSecret = isSecureValue): ConfigIssue[] {
  return secretReferences(config).flatMap(({ key, path }) => {
    if (!(key in values))
      return [{ key: configKey([...path, "secret"]), message: `names config key pulumi-lvs:${key}, which is not set; run: pulumi config set --secret pulumi-lvs:${key}`, severity: "error" as const }];
    if (!isSecret(values[key]))
      return [{ key: configKey([...path, "secret"]), message: `pulumi-lvs:${key} is stored in plain text; set it again with: pulumi config set --secret pulumi-lvs:${key}`, severity: "error" as const }];
    return [];
  });
}
