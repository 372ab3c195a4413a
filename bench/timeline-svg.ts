// A converge drawn as a timeline: one row per host, its phases (and the wait between its prepare and its commit) in
// the upper lane, its SSH connections and command batches in the lower lane, on one time axis. Pure: events in, SVG
// text out (timelineBars is the layout, for tests).
import type { TraceEvent } from "./trace";

export type BarKind = "connect" | "run" | "discover" | "order" | "prepare" | "wait" | "commit" | "read" | "teardown";

export const COLOURS: Record<BarKind, string> = {
  connect: "#7f7f7f",
  run: "#1f77b4",
  discover: "#bcbd22",
  order: "#9467bd",
  prepare: "#2ca02c",
  wait: "#dddddd",
  commit: "#d62728",
  read: "#17becf",
  teardown: "#8c564b",
};

export interface Bar {
  host: string;
  kind: BarKind;
  lane: "phase" | "ssh";
  x: number;
  width: number;
  y: number;
  height: number;
}

export interface Layout {
  width: number;
  height: number;
  /** Rows top to bottom: directors first (d…), then the others, each sorted by name. */
  hosts: string[];
  t0: number;
  t1: number;
  /** Pixels per millisecond. */
  scale: number;
  left: number;
  bars: Bar[];
  ticks: { x: number; label: string }[];
}

const LEFT = 60;
const TOP = 30;
const ROW = 28;
const LANE = 11;

const hostOrder = (a: string, b: string) => (a.startsWith("d") === b.startsWith("d") ? a.localeCompare(b, undefined, { numeric: true }) : a.startsWith("d") ? -1 : 1);

function niceStep(spanMs: number): number {
  const target = spanMs / 8;
  for (const s of [100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000]) if (s >= target) return s;
  return 600_000;
}

export function timelineBars(events: TraceEvent[], width = 1000): Layout {
  const hosts = [...new Set(events.map((e) => e.host))].sort(hostOrder);
  const t0 = Math.min(...events.map((e) => e.start));
  const t1 = Math.max(...events.map((e) => e.end), t0 + 1);
  const scale = (width - LEFT - 10) / (t1 - t0);
  const bars: Bar[] = [];
  const place = (host: string, kind: BarKind, lane: Bar["lane"], start: number, end: number) => {
    const row = hosts.indexOf(host);
    bars.push({ host, kind, lane, x: LEFT + (start - t0) * scale, width: Math.max(1, (end - start) * scale), y: TOP + row * ROW + (lane === "phase" ? 2 : 3 + LANE), height: LANE });
  };
  for (const e of events) {
    if (e.t === "phase") place(e.host, e.phase, "phase", e.start, e.end);
    else place(e.host, e.t, "ssh", e.start, e.end);
  }
  // The wait: from the end of a host's last prepare to the start of its first commit after it.
  for (const host of hosts) {
    const prepares = events.filter((e) => e.t === "phase" && e.host === host && e.phase === "prepare");
    const commits = events.filter((e) => e.t === "phase" && e.host === host && e.phase === "commit");
    if (prepares.length === 0 || commits.length === 0) continue;
    const prepared = Math.max(...prepares.map((e) => e.end));
    const committing = Math.min(...commits.filter((e) => e.start >= prepared).map((e) => e.start));
    if (Number.isFinite(committing) && committing > prepared) place(host, "wait", "phase", prepared, committing);
  }
  const step = niceStep(t1 - t0);
  const ticks: Layout["ticks"] = [];
  for (let t = 0; t <= t1 - t0; t += step) ticks.push({ x: LEFT + t * scale, label: `${(t / 1000).toFixed(step < 1000 ? 1 : 0)} s` });
  return { width, height: TOP + hosts.length * ROW + 50, hosts, t0, t1, scale, left: LEFT, bars, ticks };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function timelineSvg(events: TraceEvent[], title: string, width = 1000): string {
  if (events.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="40"><text x="10" y="25" font-family="sans-serif" font-size="13">${esc(title)}: no SSH traffic</text></svg>\n`;
  const l = timelineBars(events, width);
  const axisY = 30 + l.hosts.length * ROW;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${l.height}" font-family="sans-serif" font-size="11">`];
  out.push(`<text x="${LEFT}" y="16" font-size="13">${esc(title)} (${((l.t1 - l.t0) / 1000).toFixed(1)} s)</text>`);
  l.hosts.forEach((h, i) => out.push(`<text x="4" y="${30 + i * ROW + 17}">${esc(h)}</text>`));
  for (const t of l.ticks) out.push(`<line x1="${t.x.toFixed(1)}" y1="26" x2="${t.x.toFixed(1)}" y2="${axisY}" stroke="#eee"/><text x="${t.x.toFixed(1)}" y="${axisY + 12}" text-anchor="middle">${t.label}</text>`);
  // Phases under the SSH bars they contain: waits first, then phases, then connections and batches on their own lane.
  const rank = (b: Bar) => (b.kind === "wait" ? 0 : b.lane === "phase" ? 1 : 2);
  for (const b of [...l.bars].sort((a, c) => rank(a) - rank(c)))
    out.push(`<rect class="${b.kind}" data-host="${esc(b.host)}" x="${b.x.toFixed(1)}" y="${b.y}" width="${b.width.toFixed(1)}" height="${b.height}" fill="${COLOURS[b.kind]}" stroke="#fff" stroke-width="0.3"/>`);
  const used = (Object.keys(COLOURS) as BarKind[]).filter((k) => l.bars.some((b) => b.kind === k));
  used.forEach((k, i) => {
    const x = LEFT + i * 95;
    out.push(`<rect x="${x}" y="${axisY + 24}" width="12" height="10" fill="${COLOURS[k]}"/><text x="${x + 16}" y="${axisY + 33}">${k === "run" ? "batch (round trip)" : k}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
