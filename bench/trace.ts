// Reads a PULUMI_LVS_TRACE file (one JSON event a line) and counts, per host, the SSH connections opened and the
// command batches (round trips) sent.
import type { TraceEvent } from "../host/trace";

export type { TraceEvent };

/** The events of a trace file's text, in file order; a line that is not an event fails naming its line number. */
export function parseTrace(text: string): TraceEvent[] {
  const events: TraceEvent[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch {
      throw new Error(`trace line ${i + 1}: not JSON: ${line.slice(0, 80)}`);
    }
    const ev = e as Partial<TraceEvent>;
    if (!ev || !["connect", "run", "phase"].includes(ev.t as string) || typeof ev.host !== "string" || typeof ev.start !== "number" || typeof ev.end !== "number")
      throw new Error(`trace line ${i + 1}: not a trace event: ${line.slice(0, 80)}`);
    if (ev.t === "phase" && typeof ev.phase !== "string") throw new Error(`trace line ${i + 1}: a phase event without its phase`);
    events.push(ev as TraceEvent);
  });
  return events;
}

export interface HostCounts {
  connections: number;
  batches: number;
}

/** Connections and command batches per host (every host named by any event, zero where it had none). */
export function countsByHost(events: TraceEvent[], hosts: string[] = []): Record<string, HostCounts> {
  const out: Record<string, HostCounts> = {};
  for (const h of hosts) out[h] = { connections: 0, batches: 0 };
  for (const e of events) {
    const c = (out[e.host] ??= { connections: 0, batches: 0 });
    if (e.t === "connect") c.connections++;
    else if (e.t === "run") c.batches++;
  }
  return out;
}
