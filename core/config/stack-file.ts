// Reads a Pulumi.<stack>.yaml: the cluster value and the other config keys its secret references point to.
import { LineCounter, parseDocument } from "yaml";
import { CONFIG_KEY } from "./issues";

export const NAMESPACE = "pulumi-lvs";

export interface StackFile {
  /** Raw `pulumi-lvs:cluster` value (not yet validated). */
  cluster: unknown;
  /** Every `pulumi-lvs:*` key by short name; secure values stay as `{ secure: "…" }`. */
  values: Record<string, unknown>;
}

/** YAML the parser rejects: every error as `file:line:column: message`, in the order of the file. */
export class StackFileSyntaxError extends Error {
  constructor(readonly errors: { line: number; column: number; message: string }[], source: string) {
    super(errors.map((e) => `${source}:${e.line}:${e.column}: ${e.message}`).join("\n"));
    this.name = "StackFileSyntaxError";
  }
}

function parseYaml(text: string, source: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const errors = document.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return { line, column: col, message: e.message };
    });
    throw new StackFileSyntaxError(errors, source);
  }
  return document.toJS();
}

export function parseStackFile(text: string, source = "stack file"): StackFile {
  const doc = parseYaml(text, source) as { config?: Record<string, unknown> } | null;
  const config = doc?.config ?? {};
  if (!(CONFIG_KEY in config)) throw new Error(`${source}: no "${CONFIG_KEY}" key under "config:"`);
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(`${NAMESPACE}:`)) values[key.slice(NAMESPACE.length + 1)] = value;
  }
  return { cluster: config[CONFIG_KEY], values };
}

export function isSecureValue(value: unknown): value is { secure: string } {
  return typeof value === "object" && value !== null && typeof (value as { secure?: unknown }).secure === "string";
}
