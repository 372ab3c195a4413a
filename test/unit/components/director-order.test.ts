// The live director order: backups first in their static order, the current VIP holders last; how the Pulumi side
// falls back to the static order; and the direct driver reading the holders only on an update.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseStackFile } from "../../../core/config/stack-file";
import { requireValidCluster } from "../../../core/config/validate";
import { orderForApply } from "../../../components/direct";
import type { HostConfigOutputs } from "../../../components/host-config-provider";
import { planCluster } from "../../../core/plan";
import { describeDirectorOrder, liveDirectorOrder } from "../../../core/plan/order";
import { decideDirectorOrder } from "../../../host/director-order";
import type { Transport } from "../../../host/transport";
import { root } from "../host/fixtures";

test("live order: no holder keeps the static order", () => {
  assert.deepEqual(liveDirectorOrder(["d2", "d1"], []), ["d2", "d1"]);
});

test("live order: the expected MASTER holding stays last", () => {
  assert.deepEqual(liveDirectorOrder(["d3", "d2", "d1"], ["d1"]), ["d3", "d2", "d1"]);
});

test("live order: after a failover the lowest-priority holder goes last, the backups keep their order", () => {
  assert.deepEqual(liveDirectorOrder(["d3", "d2", "d1"], ["d3"]), ["d2", "d1", "d3"]);
});

test("live order: two holders both go last, in their static order", () => {
  assert.deepEqual(liveDirectorOrder(["d3", "d2", "d1"], new Set(["d1", "d3"])), ["d2", "d3", "d1"]);
});

test("live order: a holder that is not a director of this config is ignored", () => {
  assert.deepEqual(liveDirectorOrder(["d2", "d1"], ["gone"]), ["d2", "d1"]);
});

test("the order line names the holders", () => {
  assert.equal(describeDirectorOrder(["d2", "d1"], { d1: ["10.77.0.100"] }), "director order: d2, d1 (d1 holds 10.77.0.100)");
  assert.equal(describeDirectorOrder(["d2", "d1"], {}), "director order: d2, d1 (no director holds a VIP)");
});

test("Pulumi side: an injected reader decides; a missing source or a failing reader keeps the static order, saying why", async () => {
  const logged: string[] = [];
  const log = (l: string) => logged.push(l);
  const asked: string[][] = [];
  const read = async (directors: string[], vips: string[]) => {
    asked.push([...directors, ...vips]);
    return { d2: ["10.77.0.100"] };
  };
  assert.deepEqual(await decideDirectorOrder(["d2", "d1"], { vips: ["10.77.0.100"], read }, log), ["d1", "d2"]);
  assert.deepEqual(asked, [["d2", "d1", "10.77.0.100"]]);
  assert.deepEqual(await decideDirectorOrder(["d2", "d1"], { why: "liveOrder is off" }, log), ["d2", "d1"]);
  const failing = async (): Promise<never> => {
    throw new Error("secret config key pulumi-lvs:sshKey is not set");
  };
  assert.deepEqual(await decideDirectorOrder(["d2", "d1"], { vips: ["10.77.0.100"], read: failing }, log), ["d2", "d1"]);
  assert.deepEqual(logged, [
    "director order: d1, d2 (d2 holds 10.77.0.100)",
    "director order: d2, d1 (static: liveOrder is off)",
    "director order: d2, d1 (static: the VIP holders could not be read: secret config key pulumi-lvs:sshKey is not set)",
  ]);
});

/** Directors answering the holder script; d1 holds nothing, `holder` holds the VIP on eth0. */
function hosts(holder: string, calls: string[]) {
  return async (host: string): Promise<Transport> => ({
    host,
    async run() {
      calls.push(host);
      const vip = host === holder ? `3: eth0    inet 10.77.0.100/32 scope global eth0\\       valid_lft forever preferred_lft forever\n` : "";
      return { code: 0, stderr: "", stdout: `@@pulumi-lvs:begin addresses-all\n${vip}\n@@pulumi-lvs:end\n` };
    },
    close() {},
  });
}

test("direct driver: a first create reads nobody; an update after a failover puts the live MASTER (d2) last", async () => {
  const { config } = requireValidCluster(parseStackFile(fs.readFileSync(path.join(root, "examples/Pulumi.dr.yaml"), "utf8")).cluster);
  const calls: string[] = [];
  const logged: string[] = [];
  const plan = planCluster(config);
  assert.deepEqual(await orderForApply(plan, {}, hosts("d2", calls), (l) => logged.push(l)), ["r1", "r2", "r3", "d2", "d1"]);
  assert.equal(calls.length + logged.length, 0, "nothing read, nothing logged");

  const deployed = Object.fromEntries(["d1", "d2", "r1", "r2", "r3"].map((h) => [h, {} as HostConfigOutputs]));
  assert.deepEqual(await orderForApply(plan, deployed, hosts("d2", calls), (l) => logged.push(l)), ["r1", "r2", "r3", "d1", "d2"]);
  assert.deepEqual(calls.sort(), ["d1", "d2"], "only the directors are read, once each");
  assert.deepEqual(logged, ["director order: d1, d2 (d2 holds 10.77.0.100)"]);
});
