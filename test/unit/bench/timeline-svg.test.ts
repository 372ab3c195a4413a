// The converge timeline as data: trace events in, one row per host, bars where the events were, wait drawn between
// a host's prepare and its commit, positions proportional to time.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { TraceEvent } from "../../../bench/trace";
import { timelineBars, timelineSvg } from "../../../bench/timeline-svg";

const events: TraceEvent[] = [
  { t: "connect", host: "r1", start: 0, end: 1000 },
  { t: "phase", host: "r1", phase: "prepare", start: 1000, end: 3000 },
  { t: "run", host: "r1", phase: "prepare", start: 1000, end: 3000 },
  { t: "phase", host: "r1", phase: "commit", start: 5000, end: 6000 },
  { t: "connect", host: "d2", start: 0, end: 500 },
  { t: "phase", host: "d2", phase: "prepare", start: 500, end: 4000 },
  { t: "phase", host: "d2", phase: "commit", start: 6000, end: 8000 },
  { t: "connect", host: "d1", start: 0, end: 500 },
  { t: "phase", host: "d1", phase: "commit", start: 8000, end: 10_000 },
];

test("one row per host, directors first, each sorted by name (r2 before r10)", () => {
  assert.deepEqual(timelineBars(events).hosts, ["d1", "d2", "r1"]);
  const more: TraceEvent[] = [...events, { t: "connect", host: "r10", start: 0, end: 1 }, { t: "connect", host: "r2", start: 0, end: 1 }, { t: "connect", host: "c1", start: 0, end: 1 }];
  assert.deepEqual(timelineBars(more).hosts, ["d1", "d2", "c1", "r1", "r2", "r10"]);
});

test("a bar per event and a wait from a host's prepare end to its commit start, none for a host without a prepare", () => {
  const { bars } = timelineBars(events);
  const kinds = (host: string) => bars.filter((b) => b.host === host).map((b) => b.kind).sort();
  assert.deepEqual(kinds("r1"), ["commit", "connect", "prepare", "run", "wait"]);
  assert.deepEqual(kinds("d2"), ["commit", "connect", "prepare", "wait"]);
  assert.deepEqual(kinds("d1"), ["commit", "connect"]);
  const wait = bars.find((b) => b.host === "r1" && b.kind === "wait")!;
  const prepare = bars.find((b) => b.host === "r1" && b.kind === "prepare")!;
  const commit = bars.find((b) => b.host === "r1" && b.kind === "commit")!;
  assert.ok(Math.abs(wait.x - (prepare.x + prepare.width)) < 1e-9 && Math.abs(wait.x + wait.width - commit.x) < 1e-9, "the wait fills the gap exactly");
});

test("positions and widths are proportional to time on one axis; rows stack; phases and SSH on separate lanes", () => {
  const l = timelineBars(events, 1060);
  const bar = (host: string, kind: string) => l.bars.find((b) => b.host === host && b.kind === kind)!;
  assert.equal(l.t0, 0);
  assert.equal(l.t1, 10_000);
  assert.ok(Math.abs(l.scale - (1060 - 60 - 10) / 10_000) < 1e-12);
  assert.equal(bar("d1", "commit").x + bar("d1", "commit").width, l.left + 10_000 * l.scale, "the last event ends at the right edge");
  assert.ok(Math.abs(bar("r1", "prepare").width - 2 * bar("r1", "commit").width) < 1e-9, "2 s is twice as wide as 1 s");
  assert.ok(Math.abs(bar("d2", "commit").x - l.left - 6000 * l.scale) < 1e-9);
  assert.ok(bar("d1", "commit").y < bar("d2", "commit").y && bar("d2", "commit").y < bar("r1", "commit").y, "rows in host order");
  assert.notEqual(bar("r1", "run").y, bar("r1", "prepare").y, "batches on their own lane");
  assert.ok(l.ticks.length >= 5 && l.ticks[0].x === l.left && l.ticks[1].label === "2 s", l.ticks.map((t) => t.label).join(","));
});

test("the SVG has a labelled row per host, a rect per bar with its colour, the axis and a legend of the kinds used", () => {
  const svg = timelineSvg(events, "t <cold>");
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /t &lt;cold&gt; \(10\.0 s\)/);
  for (const h of ["d1", "d2", "r1"]) assert.match(svg, new RegExp(`>${h}</text>`));
  assert.equal((svg.match(/<rect class=/g) ?? []).length, timelineBars(events).bars.length);
  assert.match(svg, /<rect class="wait" data-host="r1"/);
  for (const legend of ["connect", "batch \\(round trip\\)", "prepare", "wait", "commit"]) assert.match(svg, new RegExp(`>${legend}</text>`));
  assert.doesNotMatch(svg, />teardown</, "no legend entry for a kind not drawn");
  assert.match(svg, />10 s</);
});

test("no events: a one-line SVG saying so", () => {
  assert.match(timelineSvg([], "noop"), /noop: no SSH traffic/);
});
