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
const deps = new Map<string, string[]>();

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
    if (r.type === DIRECTOR) deps.set(r.name, r.dependsOn.map((u) => u.split("::").pop()!).sort());
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
  assert.deepEqual(deps.get("live-d1"), ["live-r1-config", "live-r2-config", "live-r3-config"]);
  assert.deepEqual(deps.get("live-d2"), ["live-d1-config", "live-r1-config", "live-r2-config", "live-r3-config"]);
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
  assert.deepEqual(deps.get("fixed-d2"), ["fixed-r1-config", "fixed-r2-config", "fixed-r3-config"]);
  assert.deepEqual(deps.get("fixed-d1"), ["fixed-d2-config", "fixed-r1-config", "fixed-r2-config", "fixed-r3-config"]);
});

test("a config given as an Output: no host can be read while the program runs, so the reader is never asked", async () => {
  const { LvsCluster } = await import("../../../components/cluster");
  const calls: string[][] = [];
  const lvs = new LvsCluster("late", { config: pulumi.output(dr()), holderReader: recordingReader(calls) });
  assert.deepEqual(await new Promise((r) => lvs.directorOrder.apply(r)), [], "an Output's directors are not known while the program runs");
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(calls, [], "the reader was asked for a config given as an Output");
});
