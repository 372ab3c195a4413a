// Where a schema field sits in the fuzz fixture, and the fixture with one value put there (renaming what refers to it).
import type { PathPart } from "../../../core/config/issues";
import type { FieldPattern } from "./schema-fields";

type Json = any;

export interface Instance {
  /** Concrete path; for a map key, the last part is the key itself. */
  path: PathPart[];
  /** The fixture's value there (for a map key: the key), undefined when the fixture lacks the field. */
  base: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every concrete place the pattern reaches in `value`; a missing last property still counts (to be set). */
function places(value: Json, pattern: FieldPattern, path: PathPart[]): Instance[] {
  if (pattern.length === 0) return [{ path, base: value }];
  const [head, ...rest] = pattern;
  if (head === "[]") return Array.isArray(value) ? value.flatMap((v, i) => places(v, rest, [...path, i])) : [];
  if (head === "{key}") return isRecord(value) ? Object.keys(value).map((k) => ({ path: [...path, k], base: k })) : [];
  if (head === "{value}") return isRecord(value) ? Object.entries(value).flatMap(([k, v]) => places(v, rest, [...path, k])) : [];
  if (!isRecord(value)) return [];
  if (!(head in value)) return rest.length === 0 ? [{ path: [...path, head], base: undefined }] : places({}, rest, [...path, head]);
  return places(value[head], rest, [...path, head]);
}

/** The first place the fixture sets the field; else the first place it could be set. */
export function instanceOf(fixture: Json, pattern: FieldPattern): Instance | undefined {
  const all = places(fixture, pattern, []);
  return all.find((p) => p.base !== undefined) ?? all[0];
}

function setAt(root: Json, path: PathPart[], value: unknown): void {
  let node = root;
  for (const part of path.slice(0, -1)) {
    if (node[part] === undefined) node[part] = {};
    node = node[part];
  }
  Object.defineProperty(node, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
}

/** Renames one key of a map in place, keeping the order of its keys. */
function renameKey(map: Record<string, unknown>, from: string, to: string): void {
  const entries = Object.entries(map);
  for (const k of Object.keys(map)) delete map[k];
  for (const [k, v] of entries) Object.defineProperty(map, k === from ? to : k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Along `pattern`, renames map keys equal to `from`, or sets values equal to `from`, to `to`. */
function renameAlong(node: Json, pattern: FieldPattern, from: unknown, to: unknown): void {
  const [head, ...rest] = pattern;
  if (head === "[]") return Array.isArray(node) ? node.forEach((v) => renameAlong(v, rest, from, to)) : undefined;
  if (!isRecord(node)) return;
  if (head === "{key}") return String(from) in node ? renameKey(node, String(from), String(to)) : undefined;
  if (head === "{value}") return Object.values(node).forEach((v) => renameAlong(v, rest, from, to));
  if (rest.length > 0) return renameAlong(node[head], rest, from, to);
  if (node[head] === from) node[head] = to;
}

/** The fixture with `value` at the field's instance (and its references renamed), and the path an error must name. */
export function withValue(fixture: Json, pattern: FieldPattern, instance: Instance, value: unknown, references: readonly FieldPattern[] = []): { config: Json; path: PathPart[] } {
  const config = structuredClone(fixture);
  const isKey = pattern[pattern.length - 1] === "{key}";
  const parent = instance.path.slice(0, -1);
  if (isKey) renameKey(parent.reduce((n: Json, p) => n[p], config), String(instance.base), String(value));
  else setAt(config, instance.path, value);
  for (const ref of references) renameAlong(config, ref, instance.base, value);
  return { config, path: isKey ? [...parent, String(value)] : instance.path };
}
