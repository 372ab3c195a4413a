// Full validation of a raw cluster value: schema first, then the semantic rules; every issue at once.
import { validateSchema } from "./validate-schema";
import { checkSemantics } from "./semantic";
import { ConfigError, ConfigIssue } from "./issues";
import type { ClusterConfig } from "./schema";

export interface ValidationResult {
  config?: ClusterConfig;
  issues: ConfigIssue[];
  ok: boolean;
}

export function validateCluster(raw: unknown): ValidationResult {
  const schema = validateSchema(raw);
  if (!schema.config) return { issues: schema.issues, ok: false };
  const issues = checkSemantics(schema.config);
  const ok = !issues.some((i) => i.severity === "error");
  return { config: ok ? schema.config : undefined, issues, ok };
}

/** Returns the validated config (defaults applied) or throws a ConfigError listing every problem. */
export function requireValidCluster(raw: unknown): { config: ClusterConfig; warnings: ConfigIssue[] } {
  const result = validateCluster(raw);
  if (!result.ok || !result.config) throw new ConfigError(result.issues);
  return { config: result.config, warnings: result.issues };
}
