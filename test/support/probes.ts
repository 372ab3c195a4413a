// Probe loops from the client: parsing their output, and the outage a fault caused as the client saw it.
import assert from "node:assert/strict";

/** One request of a probe loop: when it started (ms, on the prober's clock) and whether it got an HTTP 200. */
export interface Probe {
  t: number;
  ok: boolean;
}

/** Probe-loop output, one "<epoch ms> <http code>" line per request. */
export function parseProbes(out: string): Probe[] {
  return out
    .trim()
    .split("\n")
    .map((l) => l.split(" "))
    .filter((p) => p.length === 2)
    .map(([t, c]) => ({ t: Number(t), ok: c === "200" }));
}

/**
 * Failed requests, and the outage a fault caused: from the fault (`faultAt`, on the prober's clock) to the first
 * success that ends the longest run of failed requests. Measured from the fault, not from the first failed probe: a
 * probe that hangs until its timeout started before it failed, so the first failure's start understates the outage
 * by up to that timeout, and requests lost before the first probe failed are not counted at all. The longest run
 * is the failover window (an isolated slow request under emulation is not); it must not start before the fault,
 * less one probe timeout (`probeTimeoutMs`). No failed request: 0 s.
 */
export function outage(probes: Probe[], faultAt: number, probeTimeoutMs = 1000): { failed: number; seconds: number } {
  const failed = probes.filter((p) => !p.ok).length;
  let longest: { start: number; end: number } | undefined;
  let start: number | undefined;
  probes.forEach((p, i) => {
    if (!p.ok && start === undefined) start = i;
    if (p.ok && start !== undefined) {
      if (!longest || p.t - probes[start].t > probes[longest.end].t - probes[longest.start].t) longest = { start, end: i };
      start = undefined;
    }
  });
  assert.equal(start, undefined, "the VIP never answered again");
  if (!longest) return { failed, seconds: 0 };
  const began = probes[longest.start].t;
  assert.ok(began >= faultAt - probeTimeoutMs, `the longest run of failed requests began ${faultAt - began} ms before the fault`);
  return { failed, seconds: Math.max(0, probes[longest.end].t - faultAt) / 1000 };
}
