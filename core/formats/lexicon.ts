// What the format modules share: a value's first refused character, named and explained, and the error an emitter
// throws when a value that validation should have refused reaches a file anyway.

/** Why a value cannot enter a file: the offending character (or length) and the reason, in one sentence. */
export type Refusal = string;

const NAMES: Record<string, string> = {
  "\n": "newline",
  "\r": "carriage return",
  "\t": "tab",
  "\0": "NUL",
  "\f": "form feed",
  "\v": "vertical tab",
  " ": "space",
  "\u00a0": "no-break space",
  "\u2028": "line separator",
  "\u2029": "paragraph separator",
  '"': "double quote",
  "'": "single quote",
  "\\": "backslash",
};

/** `"#"`, `newline (U+000A)`, `"é" (U+00E9)`: how a refusal names a character. */
export function describeChar(c: string): string {
  const code = `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = NAMES[c];
  if (name) return `${name} (${code})`;
  if (/[\x21-\x7e]/.test(c)) return `"${c}"`;
  if (/[\x00-\x1f\x7f]/.test(c)) return `control character ${code}`;
  return `"${c}" (${code})`;
}

/** Printable ASCII, space included. */
export const isPrintableAscii = (c: string) => c >= " " && c <= "~";

/** The generic reason for characters outside printable ASCII, the same in every format. */
export function nonPrintable(c: string, format: string): string | undefined {
  if (c === "\n" || c === "\r") return `a line break would end the ${format} line and start a new one`;
  if (/[\x00-\x1f\x7f]/.test(c)) return `control characters are refused in ${format}`;
  if (!isPrintableAscii(c)) return `${format} values are limited to printable ASCII here`;
  return undefined;
}

/**
 * The first character of `value` that `why` objects to, as a refusal sentence, or undefined when every character is
 * accepted. `why(c, i)` returns the reason a character is refused at index i, or undefined to accept it. A `secret`
 * value's refusal gives the position only.
 */
export function firstRefused(value: string, why: (c: string, i: number) => string | undefined, secret = false): Refusal | undefined {
  const chars = [...value];
  let offset = 0;
  for (const c of chars) {
    const reason = why(c, offset);
    // A secret's refusal names where, not what: the message must not carry part of the secret.
    if (reason !== undefined) return `${secret ? "the character" : describeChar(c)} at position ${offset + 1} is refused: ${reason}`;
    offset += c.length;
  }
  return undefined;
}

/** Length in bytes as the file will hold it (UTF-8); the formats' limits are byte limits. */
export function byteLength(value: string): number {
  return Buffer.byteLength(value, "utf8");
}

/** A value reached an emitter that its format refuses: validation should have stopped it first. */
export class FormatError extends Error {
  constructor(format: string, field: string, value: string | undefined, refusal: Refusal) {
    super(`pulumi-lvs: ${value === undefined ? "a secret value" : JSON.stringify(value)} cannot be written as ${format} ${field}: ${refusal}`);
    this.name = "FormatError";
  }
}

/** Values each check has accepted: a render writes the same addresses and names many times (thousands of members). */
const acceptedBy = new WeakMap<(value: string) => Refusal | undefined, Set<string>>();

/** An emitter's guard: the value itself when `check` accepts it, else a FormatError. */
export function accepted(format: string, field: string, value: string, check: (value: string) => Refusal | undefined, secret = false): string {
  let seen = acceptedBy.get(check);
  if (seen?.has(value)) return value;
  const refusal = check(value);
  if (refusal !== undefined) throw new FormatError(format, field, secret ? undefined : value, refusal);
  if (!secret) {
    if (!seen) acceptedBy.set(check, (seen = new Set()));
    seen.add(value);
  }
  return value;
}

/** Text of a whole-line comment (`#` or `!` headers): it ends at the line's end, so only line breaks and controls matter. */
export function refuseLineComment(value: string): Refusal | undefined {
  return firstRefused(value, (c) => nonPrintable(c, "a comment line"));
}

export const lineComment = (value: string) => accepted("a comment line", "text", value, refuseLineComment);
