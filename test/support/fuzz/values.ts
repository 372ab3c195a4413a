// Hostile values for one field, from a fixed seed: braces, quotes, comment characters, backslashes, control
// characters, newlines, non-ASCII, definitions, path segments, very long strings — alone, and inserted into the
// field's base value (after its first word, so a command stays runnable) — plus benign variants, so that every
// field also has accepted values to render. Integers at and beyond their bounds.
import fc from "fast-check";
import type { SchemaField } from "./schema-fields";

export const FRAGMENTS = [
  "{", "}", "#", "!", '"', "'", "\\", "\n", "\r", "\r\n", "\t", "\0", "\x07", "\x7f", " ", "  ", "$_HASH", "${_BANG}", "$_PWD", "$HOME", "%", "%n", "%%",
  ";", "=", "..", ".", "/", "../", "/..", "é", "\u00a0", "\u2028", "\ufeff", "😀", "@", "~", "*", "?", "[", "]", "`", "|", "&", "<", ">", ",", ":", "-",
  "\\#", "\\!", "\\n", "'a b'", '"a b"', "{x}", "include /etc/passwd", "\ninclude /etc/passwd\n", "}\nvirtual_server 10.0.0.9 80 {", "\nkernel.panic = 1",
];

const BENIGN = ["x", "-x", "_x", ".x", "9", "xq", "/x"];
const EXTREMES = ["", " ", ".", "..", "/", "all", "default", "__proto__", "constructor", "\n", "-", "$_HASH", "a".repeat(2000)];

/** Where a fragment goes: after the first word when the value has words (the command), else anywhere. */
function insertAt(base: string, fragment: string, where: number): string {
  const firstSpace = base.indexOf(" ");
  const from = firstSpace >= 0 ? firstSpace + 1 : 0;
  const at = from + (where % (base.length - from + 1));
  return base.slice(0, at) + fragment + base.slice(at);
}

/** At most `cap` distinct strings for a field whose base value is `base` (undefined when the fixture lacks it). */
export function hostileStrings(field: SchemaField, base: string | undefined, seed: number, cap: number): string[] {
  const b = base ?? "fz";
  // A command (a value with words) keeps its first word, so the command still exists; the rest is fuzzed.
  const head = b.includes(" ") ? b.slice(0, b.indexOf(" ") + 1) : "";
  const out = new Set<string>();
  // The extremes, lengths around the limits, benign variants, every fragment inserted once at a seeded place; then
  // random strings up to the cap.
  for (const e of EXTREMES) out.add(head + e);
  for (const n of [255, 256, 899, 900, 901, 1023, 1024, 4096]) out.add(b + "a".repeat(Math.max(0, n - b.length)));
  for (const s of BENIGN) out.add(b + s);
  const places = fc.sample(fc.nat(1000), { numRuns: FRAGMENTS.length, seed });
  FRAGMENTS.forEach((f, i) => out.add(insertAt(b, f, places[i])));
  const random = fc.sample(
    fc.oneof(
      fc.string({ unit: fc.constantFrom(..."ab9_.-/ #!{}\"'\\$%;=\n\t".split("")), minLength: 1, maxLength: 12 }).map((s) => insertAt(b, s, s.length)),
      fc.string({ unit: "grapheme", maxLength: 6 }).map((s) => b + s),
    ),
    { numRuns: cap, seed: seed + 1 },
  );
  for (const r of random) out.add(r);
  // The enum's own values are fuzzed too (they must render), then the rest in a seeded order.
  const all = [...(field.values ?? []).filter((v): v is string => typeof v === "string"), ...out];
  return [...new Set(all)].slice(0, cap);
}

/** Integers at and beyond the bounds, and values of the wrong type. */
export function integerValues(field: SchemaField): unknown[] {
  const { minimum: min, maximum: max } = field;
  const values: unknown[] = [0, -1, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER, 1.5, "7", true];
  if (min !== undefined) values.push(min, min - 1);
  if (max !== undefined) values.push(max, max - 1, max + 1);
  if (max === undefined) values.push(65535, 65536, 4294, 4295, 1_000_000);
  return [...new Set(values)];
}

/** Distinct values inside the bounds, used to mark where an integer lands in the rendered files. */
export function integerMarkers(field: SchemaField): number[] {
  const min = field.minimum ?? 0;
  const max = field.maximum ?? 1_000_000;
  const candidates = [4711, 3271, 1373, 947, 883, 619, 457, 239, 173, 97, 59, 43, 29, 23, 19, 17, 16, 10, 8, 6, 4, 3, -7, -29];
  const inRange = candidates.filter((c) => c >= min && c <= max);
  for (let v = min; v <= Math.min(max, min + 40); v++) inRange.push(v);
  return [...new Set(inRange)];
}
