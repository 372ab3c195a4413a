// Reading what the engine printed and what keepalived is doing, for the engine suite's assertions.
import type { LabState } from "../../lab/state";
import { must } from "../support/lab-session";

export interface DiffBlock {
  /** The operation the display names: create, update, delete, replace, … */
  op: string;
  type: string;
  /** The resource name (the last URN segment). */
  name: string;
  /** The block's lines, header included. */
  text: string;
}

/**
 * Splits `preview --diff` / `up --diff` output into one block per resource: a header such as
 * `~ pulumi-nodejs:dynamic/pulumi-lvs:HostConfig: (update)`, its `[urn=…]` line, then its property lines.
 */
export function diffBlocks(output: string): DiffBlock[] {
  const blocks: DiffBlock[] = [];
  let current: { op: string; type: string; lines: string[] } | undefined;
  const close = () => {
    if (!current) return;
    const urn = current.lines.map((l) => /\[urn=(\S+)\]/.exec(l)?.[1]).find(Boolean);
    if (urn) blocks.push({ op: current.op, type: current.type, name: urn.split("::").pop()!, text: current.lines.join("\n") });
    current = undefined;
  };
  for (const line of output.split("\n")) {
    const header = /^\s*(?:[+~-]|\+-|-\+)\s+([\w:/.-]+): \((\w[\w-]*)\)\s*$/.exec(line);
    if (header) {
      close();
      current = { op: header[2], type: header[1], lines: [line] };
    } else if (/^(Resources:|\s*--outputs:--|Outputs:|Duration:)/.test(line)) close();
    else current?.lines.push(line);
  }
  close();
  return blocks;
}

/** keepalived's MainPID and keepalived.conf's modification time on each director. */
export async function keepalivedState(lab: LabState, directors: string[]): Promise<Record<string, { pid: string; conf: string }>> {
  const out: Record<string, { pid: string; conf: string }> = {};
  for (const d of directors) {
    const [pid, conf] = (await must(lab, d, "systemctl show -p MainPID --value keepalived; stat -c %Y.%y /etc/keepalived/keepalived.conf")).trim().split("\n");
    out[d] = { pid, conf };
  }
  return out;
}
