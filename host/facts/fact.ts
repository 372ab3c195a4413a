// A fact reads one piece of host state: a shell command and a parser from its output to plain data.
export interface Fact<T> {
  id: string;
  /** Runs unprivileged-safe and read-only; its exit status is ignored, output alone decides. */
  command: string;
  parse(stdout: string): T;
}

const BEGIN = "@@pulumi-lvs:begin ";
const END = "@@pulumi-lvs:end";

/**
 * One round trip for many facts: each command's output is framed by markers. An extra newline precedes the end
 * marker (and is removed again by splitBatch), so output without a final newline cannot hide the marker.
 */
export function batchScript(facts: Fact<unknown>[]): string {
  return facts.map((f) => `echo '${BEGIN}${f.id}'\n{ ${f.command} ; } 2>/dev/null </dev/null\necho\necho '${END}'`).join("\n") + "\n";
}

export function splitBatch(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /^@@pulumi-lvs:begin (\S+)\n([\s\S]*?)\n@@pulumi-lvs:end$/gm;
  for (const m of stdout.matchAll(re)) out.set(m[1], m[2]);
  return out;
}
