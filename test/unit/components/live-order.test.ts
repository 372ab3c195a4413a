// The Directors' dependsOn chain under strict mocks (which cannot SSH): an injected VIP-holder reader decides it, so
// the holder is registered last; with liveOrder off the static order (ascending priority) stands, reading nobody.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterInput } from "../../../components/cluster-input";
import { parseStackFile } from "../../../core/config/stack-file";
import { root } from "../host/fixtures";
import { onRegister } from "./registrations";

const DIRECTOR = "pulumi-lvs:index:Director";
const HOST_CONFIG = "pulumi-nodejs:dynamic/pulumi-lvs:HostConfig";
const PREPARE = "pulumi-nodejs:dynamic/pulumi-lvs:HostPrepare";
const deps = new Map<string, string[]>();
/** Every host's prepare: a commit waits for all of them. */
const prepares = (prefix: string) => ["d1", "d2", "r1", "r2", "r3"].map((h) => `${prefix}-${h}-prepare`);

before(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: args.type.endsWith(":HostDiscovery") ? { ...args.inputs, macs: {}, interfaces: { [args.inputs.host]: "eth0" } } : args.inputs }),
      call: (args) => {
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    "pulumi-lvs",
    "test",
    false,
  );
  onRegister((r) => {
    if (r.type === DIRECTOR || r.type === HOST_CONFIG || r.type === PREPARE) deps.set(r.name, r.dependsOn.map((u) => u.split("::").pop()!).sort());
  });
});

const dr = () => parseStackFile(fs.readFileSync(path.join(root, "examples/Pulumi.dr.yaml"), "utf8")).cluster as ClusterInput;

async function settle(lvs: { directorOrder: pulumi.Output<string[]>; configHashes: pulumi.Output<unknown> }): Promise<string[]> {
  await new Promise((r) => lvs.configHashes.apply(r));
  const order = await new Promise<string[]>((r) => lvs.directorOrder.apply(r));
  await new Promise((r) => setTimeout(r, 200));
  return order;
}

test("an injected holder (d2, the lower priority, after a failover) goes last in the Directors' dependsOn chain", async () => {
  const { LvsCluster } = await import("../../../components/cluster");
  const asked: string[][] = [];
  const lvs = new LvsCluster("live", {
    config: dr(),
    holderReader: async (directors, vips) => {
      asked.push([...directors, ...vips]);
      return { d2: ["10.77.0.100"] };
    },
  });
  assert.deepEqual(await settle(lvs), ["d1", "d2"]);
  assert.deepEqual(asked, [["d2", "d1", "10.77.0.100"]], "asked once, in the static order, for the cluster's VIPs");
  assert.deepEqual(deps.get("live-d1"), [...prepares("live"), "live-r1-config", "live-r2-config", "live-r3-config"].sort());
  assert.deepEqual(deps.get("live-d2"), [...prepares("live"), "live-d1-config", "live-r1-config", "live-r2-config", "live-r3-config"].sort());
  // The commits themselves carry the chain (not only their components), and every one waits for every prepare; a
  // custom resource's list also holds its inputs' sources (the discoveries), which order nothing between hosts.
  const hostDeps = (name: string) => deps.get(name)!.filter((d) => !d.endsWith("-discovery"));
  assert.deepEqual(hostDeps("live-d2-config"), deps.get("live-d2"));
  assert.deepEqual(hostDeps("live-d1-config"), deps.get("live-d1"));
  for (const r of ["r1", "r2", "r3"]) assert.deepEqual(hostDeps(`live-${r}-config`), prepares("live").sort(), `live-${r}-config`);
  for (const p of prepares("live")) assert.deepEqual(hostDeps(p), [], `${p} waits for no host: every prepare runs at once`);
});

/** A reader that records every call and answers with a holder that would reorder the directors (d2 last). */
function recordingReader(calls: string[][]) {
  return async (directors: string[], vips: string[]) => {
    calls.push([...directors, ...vips]);
    return { d2: ["10.77.0.100"] };
  };
}

test("liveOrder false: the static order (d2 before the expected MASTER d1), and nobody is read", async () => {
  const { LvsCluster } = await import("../../../components/cluster");
  const calls: string[][] = [];
  const lvs = new LvsCluster("fixed", { config: dr(), liveOrder: false, holderReader: recordingReader(calls) });
  assert.deepEqual(await settle(lvs), ["d2", "d1"]);
  assert.deepEqual(calls, [], "the reader was asked although liveOrder is off");
  assert.deepEqual(deps.get("fixed-d2"), [...prepares("fixed"), "fixed-r1-config", "fixed-r2-config", "fixed-r3-config"].sort());
  assert.deepEqual(deps.get("fixed-d1"), [...prepares("fixed"), "fixed-d2-config", "fixed-r1-config", "fixed-r2-config", "fixed-r3-config"].sort());
});

test("a config given as an Output: no host can be read while the program runs, so the reader is never asked", async () => {
  const { LvsCluster } = await import("../../../components/cluster");
  const calls: string[][] = [];
  const lvs = new LvsCluster("late", { config: pulumi.output(dr()), holderReader: recordingReader(calls) });
  assert.deepEqual(await new Promise((r) => lvs.directorOrder.apply(r)), [], "an Output's directors are not known while the program runs");
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(calls, [], "the reader was asked for a config given as an Output");
});
