// The converge bench's arithmetic: ratios to the floor, per-role counts, and the printed table.
import type { HostCounts } from "./trace";

/** value / floor, or undefined when there is no floor to compare with (a floor of 0 or none measured). */
export function ratio(value: number, floor: number | undefined): number | undefined {
  if (floor === undefined || !(floor > 0)) return undefined;
  return value / floor;
}

/** "max" of connections and batches over a set of hosts, as "a" or "a–b" when they differ. */
export function spread(counts: Record<string, HostCounts>, hosts: string[], key: keyof HostCounts): string {
  const values = hosts.map((h) => counts[h]?.[key] ?? 0);
  if (values.length === 0) return "-";
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? String(lo) : `${lo}-${hi}`;
}

export interface Row {
  tool: string;
  op: string;
  wallMs: number;
  cpuMs: number;
  /** Per host. */
  counts: Record<string, HostCounts>;
  floorWallMs?: number;
  floorCpuMs?: number;
}

const fmt = (n: number | undefined, digits = 2) => (n === undefined ? "n/a" : n.toFixed(digits));

/** A fixed-width text table: one line per tool and operation. */
export function formatTable(rows: Row[], directors: string[], realServers: string[]): string {
  const header = ["tool", "operation", "wall s", "x floor", "CPU s", "CPU x floor", "conn/director", "conn/real", "batches/director", "batches/real"];
  const lines = rows.map((r) => [
    r.tool,
    r.op,
    fmt(r.wallMs / 1000, 1),
    fmt(ratio(r.wallMs, r.floorWallMs)),
    fmt(r.cpuMs / 1000, 2),
    fmt(ratio(r.cpuMs, r.floorCpuMs)),
    spread(r.counts, directors, "connections"),
    spread(r.counts, realServers, "connections"),
    spread(r.counts, directors, "batches"),
    spread(r.counts, realServers, "batches"),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(line)].join("\n");
}

/** "met" / "NOT met" for a target line. */
export function verdict(ok: boolean | undefined): string {
  return ok === undefined ? "not measured" : ok ? "met" : "NOT met";
}
