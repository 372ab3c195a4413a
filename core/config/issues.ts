// Config problems reported by key path, the way `pulumi config set --path` names them.
export const CONFIG_KEY = "pulumi-lvs:cluster";

export type Severity = "error" | "warning";

export interface ConfigIssue {
  /** Full config key, e.g. `pulumi-lvs:cluster.vrrp[0].virtualRouterId`. */
  key: string;
  message: string;
  severity: Severity;
}

export type PathPart = string | number;

/** `["vrrp", 0, "virtualRouterId"]` → `pulumi-lvs:cluster.vrrp[0].virtualRouterId`. */
export function configKey(path: readonly PathPart[], root = CONFIG_KEY): string {
  let key = root;
  for (const part of path) {
    if (typeof part === "number") key += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) key += `.${part}`;
    else key += `[${JSON.stringify(part)}]`;
  }
  return key;
}

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.severity === "warning" ? "warning: " : ""}${issue.key}: ${issue.message}`;
}

/** Thrown when a config has errors; carries every issue found, not just the first. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    const errors = issues.filter((i) => i.severity === "error");
    super(`invalid ${CONFIG_KEY} (${errors.length} error${errors.length === 1 ? "" : "s"}):\n` + errors.map(formatIssue).join("\n"));
    this.name = "ConfigError";
    this.issues = issues;
  }
}
