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

/** The schema's pattern and format messages, and a format refusal that names the offending character. */
const SHAPE_MESSAGE = /^(has an invalid form|must be a valid)/;
const NAMES_CHARACTER = / at position \d+ is refused: /;

/** One message per key where both speak of a value's form: the one that names the character, else the schema's. */
function merged(schema: ConfigIssue[], lexical: ConfigIssue[]): ConfigIssue[] {
  const shape = new Set(schema.filter((i) => SHAPE_MESSAGE.test(i.message)).map((i) => i.key));
  const specific = new Set(lexical.filter((i) => NAMES_CHARACTER.test(i.message)).map((i) => i.key));
  return [
    ...schema.filter((i) => !(specific.has(i.key) && SHAPE_MESSAGE.test(i.message))),
    ...lexical.filter((i) => specific.has(i.key) || !shape.has(i.key)),
  ];
}

export function validateCluster(raw: unknown): ValidationResult {
  const lexical = checkLexical(raw);
  const schema = validateSchema(raw);
  if (!schema.config) return { issues: merged(schema.issues, lexical), ok: false };
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
