// Every string- and integer-typed field of the config, found by walking the JSON Schema (properties, items, maps'
// keys and values, and every branch of oneOf/anyOf/allOf), so a field added later is fuzzed without touching the test.
export type FieldPattern = readonly string[];

export interface SchemaField {
  /** Path into the config: property names, `[]` for array items, `{key}` / `{value}` for a map's keys and values. */
  pattern: FieldPattern;
  kind: "string" | "integer";
  minimum?: number;
  maximum?: number;
  /** enum or const values, when the field has a closed set. */
  values?: readonly unknown[];
}

type Schema = Record<string, unknown>;

const typesOf = (s: Schema): string[] => (Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === "string" ? [s.type] : []);

function walk(schema: Schema, pattern: string[], out: Map<string, SchemaField>): void {
  for (const key of ["oneOf", "anyOf", "allOf"]) for (const branch of (schema[key] as Schema[] | undefined) ?? []) walk(branch, pattern, out);
  const types = typesOf(schema);
  const closed = schema.enum !== undefined ? (schema.enum as unknown[]) : "const" in schema ? [schema.const] : undefined;
  // A field in several branches (a union's `type` const in each) is one field: its values and bounds, merged.
  const add = (kind: SchemaField["kind"]) => {
    const id = `${pattern.join(".")}:${kind}`;
    const field: SchemaField = { pattern: [...pattern], kind, minimum: schema.minimum as number | undefined, maximum: schema.maximum as number | undefined, ...(closed ? { values: closed } : {}) };
    const seen = out.get(id);
    if (!seen) return void out.set(id, field);
    if (seen.values && field.values) seen.values = [...new Set([...seen.values, ...field.values])];
    else delete seen.values;
    seen.minimum = seen.minimum === undefined || field.minimum === undefined ? undefined : Math.min(seen.minimum, field.minimum);
    seen.maximum = seen.maximum === undefined || field.maximum === undefined ? undefined : Math.max(seen.maximum, field.maximum);
  };
  if (types.includes("string") || (types.length === 0 && closed?.every((v) => typeof v === "string"))) add("string");
  if (types.includes("integer") || types.includes("number")) add("integer");
  for (const [name, sub] of Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {})) walk(sub, [...pattern, name], out);
  if (schema.items && typeof schema.items === "object") walk(schema.items as Schema, [...pattern, "[]"], out);
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
    out.set(`${[...pattern, "{key}"].join(".")}:string`, { pattern: [...pattern, "{key}"], kind: "string" });
    walk(schema.additionalProperties as Schema, [...pattern, "{value}"], out);
  }
}

export function schemaFields(schema: object): SchemaField[] {
  const out = new Map<string, SchemaField>();
  walk(schema as Schema, [], out);
  return [...out.values()];
}

export const patternText = (p: FieldPattern) => p.join(".").replace(/\.\[\]/g, "[]").replace(/\.\{/g, "{");
