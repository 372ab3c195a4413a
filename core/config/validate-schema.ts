// Checks the raw config against the JSON Schema, fills defaults, and translates ajv errors to config keys.
import { cloneData } from "../util/clone-data";
import Ajv, { ErrorObject } from "ajv";
import addFormats from "ajv-formats";
import { clusterSchema, ClusterConfig } from "./schema";
import { ConfigIssue, configKey, PathPart } from "./issues";
import { cidrFamily, isIpv4, isIpv6, parseCidr6 } from "../model/ip";
import { parseCidr } from "../model/cidr";

const isCidr4 = (s: string) => cidrFamily(s) === 4 && /\/(3[0-2]|[12]?\d)$/.test(s) && parseCidr(s) !== undefined;
const isPrefix6 = (s: string) => cidrFamily(s) === 6 && parseCidr6(s) !== undefined;

/** Formats by name, and how an error names what was expected. */
const FORMATS: Record<string, { valid: (s: string) => boolean; expected: string }> = {
  ip: { valid: (s) => isIpv4(s) || isIpv6(s), expected: "must be a valid IPv4 or IPv6 address" },
  ipv6: { valid: isIpv6, expected: "must be a valid IPv6 address" },
  prefix: { valid: (s) => isCidr4(s) || isPrefix6(s), expected: "has an invalid form (expected a CIDR like 10.0.0.0/24 (octets 0-255, prefix 0-32) or an IPv6 prefix like fd77::/64 (0-128))" },
  prefix6: { valid: isPrefix6, expected: "has an invalid form (expected an IPv6 prefix like fd77::/64 (0-128))" },
};

let compiled: ReturnType<Ajv["compile"]> | undefined;

function validator() {
  if (!compiled) {
    // discriminator: a health check's branch is chosen by its `type`, and that branch's defaults apply.
    const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: true, allowUnionTypes: true, discriminator: true });
    addFormats(ajv, ["ipv4"]);
    for (const [name, f] of Object.entries(FORMATS)) ajv.addFormat(name, { type: "string", validate: f.valid });
    compiled = ajv.compile(clusterSchema);
  }
  return compiled;
}

function pathOf(error: ErrorObject): PathPart[] {
  const parts: PathPart[] = error.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (error.keyword === "required") parts.push((error.params as { missingProperty: string }).missingProperty);
  if (error.keyword === "additionalProperties") parts.push((error.params as { additionalProperty: string }).additionalProperty);
  return parts;
}

function messageOf(error: ErrorObject): string {
  switch (error.keyword) {
    case "required":
      return "is required";
    case "additionalProperties":
      return "is not a known setting (check the spelling; see the schema for the allowed keys)";
    case "enum":
      return `must be one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`;
    case "format":
      return FORMATS[(error.params as { format: string }).format]?.expected ?? `must be a valid ${(error.params as { format: string }).format} address`;
    case "pattern":
      return `has an invalid form (expected ${describePattern((error.params as { pattern: string }).pattern)})`;
    default:
      return error.message ?? "is invalid";
  }
}

function describePattern(pattern: string): string {
  if (pattern.startsWith("^SHA256:")) return "an SSH key fingerprint like SHA256:abc… from `ssh-keygen -lf`";
  if (pattern.endsWith("/(3[0-2]|[12]?\\d)$")) return "a CIDR like 10.0.0.0/24 (octets 0-255, prefix 0-32)";
  if (pattern.includes("[0-9a-fA-F]{2}(:")) return "a MAC address like 52:54:00:12:34:56";
  if (pattern.startsWith("^\\d{3}")) return "a status code or range like 200 or 200-299";
  if (pattern.startsWith("^[0-9a-f]{32}")) return "an MD5 hex digest";
  if (pattern.includes("{1,15}")) return "an interface name of at most 15 characters";
  return `a name matching ${pattern}`;
}

export interface SchemaResult {
  config?: ClusterConfig;
  issues: ConfigIssue[];
}

/** Validates a deep copy of `raw` (defaults are applied to the copy only). */
export function validateSchema(raw: unknown): SchemaResult {
  const copy: unknown = raw === undefined ? undefined : cloneData(raw);
  const validate = validator();
  if (validate(copy)) return { config: copy as ClusterConfig, issues: [] };
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const error of validate.errors ?? []) {
    // A bad or missing discriminator tag is also reported by the tag's own enum/type check, by its key.
    if (error.keyword === "if" || error.keyword === "discriminator") continue;
    const issue: ConfigIssue = { key: configKey(pathOf(error)), message: messageOf(error), severity: "error" };
    const id = `${issue.key}\0${issue.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      issues.push(issue);
    }
  }
  return { issues };
}
