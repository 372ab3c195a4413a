// The converge bench's trace reader and its arithmetic (ratios to the floor, per-role spreads, the table).
import { test } from "node:test";
import assert from "node:assert/strict";
import { countsByHost, parseTrace } from "../../../bench/trace";
import { formatTable, ratio, spread } from "../../../bench/figures";
import { childrenCpuMs } from "../../../bench/cpu";

const lines = [
  '{"t":"connect","host":"d1","start":1000,"end":1100}',
  '{"t":"run","host":"d1","phase":"prepare","start":1100,"end":1500}',
  "",
  '{"t":"run","host":"d1","phase":"commit","start":2000,"end":2100}',
  '{"t":"phase","host":"d1","phase":"prepare","start":1000,"end":1500}',
  '{"t":"connect","host":"r1","start":1000,"end":1200}',
  '{"t":"connect","host":"r1","start":3000,"end":3050}',
  '{"t":"run","host":"r1","start":1200,"end":1300}',
];

test("a trace file reads as its events in order, blank lines skipped", () => {
  const events = parseTrace(lines.join("\n") + "\n");
  assert.equal(events.length, 7);
  assert.deepEqual(events[1], { t: "run", host: "d1", phase: "prepare", start: 1100, end: 1500 });
  assert.equal(events[6].host, "r1");
});

test("a line that is not an event fails naming its line", () => {
  assert.throws(() => parseTrace(lines[0] + "\n{not json"), /trace line 2: not JSON/);
  assert.throws(() => parseTrace('{"t":"bogus","host":"d1","start":1,"end":2}'), /trace line 1: not a trace event/);
  assert.throws(() => parseTrace('{"t":"run","host":"d1","start":"1","end":2}'), /trace line 1: not a trace event/);
  assert.throws(() => parseTrace('{"t":"phase","host":"d1","start":1,"end":2}'), /trace line 1: a phase event without its phase/);
});

test("connections and batches are counted per host; phases count as neither; a named host without events has zeros", () => {
  const counts = countsByHost(parseTrace(lines.join("\n")), ["d1", "d2", "r1"]);
  assert.deepEqual(counts, { d1: { connections: 1, batches: 2 }, d2: { connections: 0, batches: 0 }, r1: { connections: 2, batches: 1 } });
});

test("a ratio to the floor: value / floor, and none without a floor", () => {
  assert.equal(ratio(30_000, 20_000), 1.5);
  assert.equal(ratio(5, 0), undefined);
  assert.equal(ratio(5, undefined), undefined);
});

test("the spread over a role is one number when every host agrees, else low-high", () => {
  const counts = { d1: { connections: 2, batches: 5 }, d2: { connections: 2, batches: 3 }, r1: { connections: 1, batches: 2 } };
  assert.equal(spread(counts, ["d1", "d2"], "connections"), "2");
  assert.equal(spread(counts, ["d1", "d2"], "batches"), "3-5");
  assert.equal(spread(counts, ["d1", "r1", "r9"], "connections"), "0-2");
});

test("the table shows each row's wall and CPU ratio to its floor, n/a where there is none", () => {
  const counts = { d1: { connections: 1, batches: 4 }, r1: { connections: 1, batches: 2 } };
  const table = formatTable(
    [
      { tool: "floor", op: "cold", wallMs: 20_000, cpuMs: 1000, counts, floorWallMs: 20_000, floorCpuMs: 1000 },
      { tool: "engine", op: "cold", wallMs: 50_000, cpuMs: 9000, counts, floorWallMs: 20_000, floorCpuMs: 1000 },
      { tool: "engine", op: "noop", wallMs: 8000, cpuMs: 4000, counts, floorWallMs: 0, floorCpuMs: 0 },
    ],
    ["d1"],
    ["r1"],
  ).split("\n");
  assert.equal(table.length, 5);
  assert.match(table[0], /^tool\s+operation\s+wall s\s+x floor\s+CPU s\s+CPU x floor/);
  assert.match(table[3], /^engine\s+cold\s+50\.0\s+2\.50\s+9\.00\s+9\.00\s+1\s+1\s+4\s+2$/);
  assert.match(table[4], /^engine\s+noop\s+8\.0\s+n\/a\s+4\.00\s+n\/a/);
});

test("the children's CPU is cutime + cstime of /proc/self/stat in clock ticks (a name with spaces and parentheses)", () => {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
  const stat = "4242 (node (x) y) S 1 2 3 4 5 6 7 8 9 10 11 12 250 130 0 0 20";
  assert.equal(childrenCpuMs(stat), 3800);
});
