// Per-host progress as it goes: start and done lines with elapsed time, a periodic line naming the hosts still
// running, and the engine's HostConfig events mapped to hosts (other resources and unchanged steps ignored).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { HostProgress, progressFromEngine } from "../../../demo/progress";

function clocked() {
  let t = 0;
  const lines: string[] = [];
  const p = new HostProgress("converging", (l) => lines.push(l), () => t, 0);
  return { p, lines, advance: (ms: number) => (t += ms) };
}

test("start, periodic elapsed per running host, done with its own elapsed time", () => {
  const { p, lines, advance } = clocked();
  p.start("r1");
  advance(2000);
  p.start("d2");
  advance(10_500);
  p.tick();
  p.done("r1");
  advance(1000);
  p.done("d2");
  p.tick();
  assert.deepEqual(lines, ["  r1: converging…", "  d2: converging…", "  … still converging: r1 12.5 s, d2 10.5 s", "  r1: done in 12.5 s", "  d2: done in 11.5 s"]);
});

const ev = (kind: "pre" | "out", urn: string, type: string, op = "create"): EngineEvent =>
  ({ sequence: 0, timestamp: 0, ...(kind === "pre" ? { resourcePreEvent: { metadata: { urn, type, op } } } : { resOutputsEvent: { metadata: { urn, type, op } } }) }) as unknown as EngineEvent;

test("engine events: a HostConfig's create or update starts its host, its outputs finish it; others are ignored", () => {
  const { p, lines, advance } = clocked();
  const feed = progressFromEngine(p);
  const hc = "pulumi-nodejs:dynamic/pulumi-lvs:HostConfig";
  feed(ev("pre", "urn:pulumi:demo::pulumi-lvs::pulumi-lvs:index:LvsCluster$pulumi-lvs:index:Director$pulumi-nodejs:dynamic/pulumi-lvs:HostConfig::lvs-d1-config", hc));
  feed(ev("pre", "urn:pulumi:demo::pulumi-lvs::pulumi-lvs:index:Vip::lvs-http", "pulumi-lvs:index:Vip"));
  feed(ev("pre", "urn:pulumi:demo::pulumi-lvs::x$pulumi-nodejs:dynamic/pulumi-lvs:HostConfig::lvs-r1-config", hc, "same"));
  advance(3000);
  feed(ev("out", "urn:pulumi:demo::pulumi-lvs::x$pulumi-nodejs:dynamic/pulumi-lvs:HostConfig::lvs-d1-config", hc));
  assert.deepEqual(lines, ["  d1: converging…", "  d1: done in 3.0 s"]);
});

test("engine events: a HostPrepare's step is its host's prepare, shown apart from the host's commit", () => {
  const { p, lines, advance } = clocked();
  const feed = progressFromEngine(p);
  const hp = "pulumi-nodejs:dynamic/pulumi-lvs:HostPrepare";
  const hc = "pulumi-nodejs:dynamic/pulumi-lvs:HostConfig";
  feed(ev("pre", "urn:pulumi:demo::pulumi-lvs::pulumi-lvs:index:LvsCluster$pulumi-nodejs:dynamic/pulumi-lvs:HostPrepare::lvs-d1-prepare", hp));
  advance(2000);
  feed(ev("out", "urn:pulumi:demo::pulumi-lvs::pulumi-lvs:index:LvsCluster$pulumi-nodejs:dynamic/pulumi-lvs:HostPrepare::lvs-d1-prepare", hp));
  feed(ev("pre", "urn:pulumi:demo::pulumi-lvs::x$pulumi-nodejs:dynamic/pulumi-lvs:HostConfig::lvs-d1-config", hc));
  advance(1000);
  feed(ev("out", "urn:pulumi:demo::pulumi-lvs::x$pulumi-nodejs:dynamic/pulumi-lvs:HostConfig::lvs-d1-config", hc));
  assert.deepEqual(lines, ["  d1 (prepare): converging…", "  d1 (prepare): done in 2.0 s", "  d1: converging…", "  d1: done in 1.0 s"]);
});
