// Full validation of a raw cluster value: the format rules and the schema, then the semantic rules; every issue at once.
import { validateSchema } from "./validate-schema";
import { checkSemantics } from "./semantic";
import { checkValues } from "./semantic-values";
import { checkLexical } from "./lexical";
import { ConfigError, ConfigIssue } from "./issues";
import type { ClusterConfig } from "./schema";

export interface ValidationResult {
  config?: ClusterConfig;
  issues: ConfigIssue[];
  ok: boolean;
}

/** The schema's pattern and format messages, which a format refusal at the same key explains better. */
const SHAPE_MESSAGE = /^(has an invalid form|must be a valid)/;

export function validateCluster(raw: unknown): ValidationResult {
  const lexical = checkLexical(raw);
  const refused = new Set(lexical.map((i) => i.key));
  const schema = validateSchema(raw);
  const shape = schema.issues.filter((i) => !(refused.has(i.key) && SHAPE_MESSAGE.test(i.message)));
  if (!schema.config) return { issues: [...shape, ...lexical], ok: false };
  const issues = [...lexical, ...checkSemantics(schema.config), ...checkValues(schema.config)];
  const ok = !issues.some((i) => i.severity === "error");
  return { config: ok ? schema.config : undefined, issues, ok };
}

/** Returns the validated config (defaults applied) or throws a ConfigError listing every problem. */
export function requireValidCluster(raw: unknown): { config: ClusterConfig; warnings: ConfigIssue[] } {
  const result = validateCluster(raw);
  if (!result.ok || !result.config) throw new ConfigError(result.issues);
  return { config: result.config, warnings: result.issues };
}
