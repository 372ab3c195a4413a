// The failover scenario's outage measure, on probe sequences made by hand: measured from the fault, not from the
// first failed probe, and the longest failed run is the failover window.
import { test } from "node:test";
import assert from "node:assert/strict";
import { outage, parseProbes, Probe } from "../../support/probes";

/** Probes every 100 ms from t=0; `pattern` is one character per probe: "." ok, "x" failed. */
const probes = (pattern: string, every = 100): Probe[] => [...pattern].map((c, i) => ({ t: i * every, ok: c === "." }));

test("outage: from the fault to the first success after the failover window, not from the first failed probe", () => {
  // Fault at 1000 ms; the first probe that fails started at 1500 (the ones in between hung until their timeout and
  // are not in the output as failures yet); the VIP answers again at 2500.
  const seen = probes("...............xxxxxxxxxx.....");
  assert.deepEqual(outage(seen, 1000), { failed: 10, seconds: 1.5 });
});

test("outage: an isolated failed request elsewhere is not the failover window", () => {
  const seen = probes("....x.....xxxxxxxx..........x..");
  assert.deepEqual(outage(seen, 900), { failed: 10, seconds: 0.9 });
});

test("outage: no failed request is 0 s; a VIP that never answers again, or a failed run before the fault, fails", () => {
  assert.deepEqual(outage(probes(".........."), 300), { failed: 0, seconds: 0 });
  assert.throws(() => outage(probes(".....xxxxx"), 300), /never answered again/);
  assert.throws(() => outage(probes("xxxxxxxx......"), 2000), /began 2000 ms before the fault/);
});

test("probe lines: <epoch ms> <http code>, anything else ignored", () => {
  assert.deepEqual(parseProbes("1000 200\n1100 000\n\ngarbage\n1200 503\n"), [
    { t: 1000, ok: true },
    { t: 1100, ok: false },
    { t: 1200, ok: false },
  ]);
});
