// Where the time of a converge goes, for the benchmark: with PULUMI_LVS_TRACE naming a file, each SSH connection,
// each command batch (one round trip) and each phase of a host's converge is appended to it as one JSON line.
// Events carry host names, phase names and times only. The variable reaches the dynamic providers under the engine
// too (the CLI passes its environment to plugins).
import { AsyncLocalStorage } from "node:async_hooks";
import { appendFileSync } from "node:fs";

export type TracePhase = "discover" | "order" | "prepare" | "commit" | "read" | "teardown";

export type TraceEvent =
  | { t: "connect"; host: string; start: number; end: number }
  | { t: "run"; host: string; phase?: TracePhase; start: number; end: number }
  | { t: "phase"; host: string; phase: TracePhase; start: number; end: number };

export const TRACE_ENV = "PULUMI_LVS_TRACE";

const phases = new AsyncLocalStorage<TracePhase>();

export function traceEvent(event: TraceEvent): void {
  const file = process.env[TRACE_ENV];
  if (file) appendFileSync(file, JSON.stringify(event) + "\n");
}

/** The phase the calling code runs in (what a command batch sent now is counted under). */
export function currentPhase(): TracePhase | undefined {
  return phases.getStore();
}

/** Runs `work` as `phase` of `host`'s converge: its command batches are counted under it, and its span is traced. */
export async function inPhase<T>(host: string, phase: TracePhase, work: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await phases.run(phase, work);
  } finally {
    traceEvent({ t: "phase", host, phase, start, end: Date.now() });
  }
}

/** Times `work` as one event of `host`. */
export async function traced<T>(make: (start: number, end: number) => TraceEvent, work: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await work();
  } finally {
    traceEvent(make(start, Date.now()));
  }
}
