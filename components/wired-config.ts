// A cluster value whose leaves may be Outputs of other resources (core/config/input.ts WIRED_LEAVES): where they are,
// and a stand-in value with each replaced by a placeholder of the right form. The stand-in is only used to decide
// which resources to declare (names, roles, what to discover); the real plan is made from the resolved value.
import * as pulumi from "@pulumi/pulumi";
import { WIRED_LEAVES } from "../core/config/input";
import { configKey, PathPart } from "../core/config/issues";

type Path = PathPart[];

const isDeferred = (v: unknown): boolean => pulumi.Output.isInstance(v) || v instanceof Promise;

const matches = (pattern: string, path: Path): boolean => {
  const parts = pattern.split(".");
  return parts.length === path.length && parts.every((p, i) => (p === "*" ? typeof path[i] === "number" : p === path[i]));
};

/** An Output where the value decides which resources exist (or names them). */
export class UnwirableError extends Error {
  constructor(readonly key: string) {
    super(`${key}: must be a plain value, not an Output: only ${WIRED_LEAVES.map((l) => l.replace(/\*/g, "[]")).join(", ")} may come from other resources (the rest names or orders resources)`);
    this.name = "UnwirableError";
  }
}

/** The paths of every Output (or Promise) leaf; throws UnwirableError for one outside WIRED_LEAVES. */
export function wiredPaths(value: unknown, path: Path = []): Path[] {
  if (isDeferred(value)) {
    if (!WIRED_LEAVES.some((l) => matches(l, path))) throw new UnwirableError(configKey(path));
    return [path];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => wiredPaths(v, [...path, i]));
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => wiredPaths(v, [...path, k]));
  return [];
}

/** A value of the leaf's form: addresses from TEST-NET-1 (one each), a well-formed host key, weight 1. */
function placeholder(path: Path, n: number): unknown {
  const leaf = path[path.length - 1];
  switch (leaf) {
    case "address":
    case "sshAddress":
      return `192.0.2.${(n % 254) + 1}`;
    case "hostKey":
      return `SHA256:${"A".repeat(43)}`;
    case "weight":
      return 1;
    default:
      throw new UnwirableError(configKey(path));
  }
}

/** The value with every Output leaf replaced by its placeholder (a deep copy; the value itself is not changed). */
export function standIn(value: unknown): unknown {
  let n = 0;
  const walk = (v: unknown, path: Path): unknown => {
    if (isDeferred(v)) return placeholder(path, n++);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])]));
    return v;
  };
  return walk(value, []);
}
