// The HostDiscovery provider: serialized as a small loader like HostConfig's, diff (replace on a new host/target,
// update on new requests), and read re-discovering through the pooled transport (a replaced NIC shows on refresh).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { hostDiscoveryProvider, serializedHostDiscoveryProvider, HostDiscoveryInputs, HostDiscoveryOutputs, DISCOVERY_PROVIDER_VERSION } from "../../../components/host-discovery-provider";
import { UNKNOWN } from "../../../components/host-config-provider";
import type { Transport } from "../../../host/transport";
import { root } from "../host/fixtures";

async function loadLikeTheEngine(): Promise<typeof hostDiscoveryProvider> {
  const serialized = await pulumi.runtime.serializeFunction(() => serializedHostDiscoveryProvider, { allowSecrets: true });
  const requireFromString = require(require.resolve("require-from-string", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }));
  return requireFromString(serialized.text, path.join(root, "__provider.js")).handler();
}

const inputs: HostDiscoveryInputs = {
  host: "d2",
  target: { address: "10.77.0.12", port: 22, user: "root", fingerprints: [], trustOnFirstUse: false, connectTimeoutSeconds: 5, commandTimeoutSeconds: 30 },
  requests: [{ id: "mac:d2", host: "d2", what: "mac", from: "eth0", configKey: "pulumi-lvs:cluster.directors[1].mac" }],
  providerVersion: DISCOVERY_PROVIDER_VERSION,
};
const outputs: HostDiscoveryOutputs = { ...inputs, macs: { d2: "52:54:00:77:00:12" }, interfaces: {} };

test("the serialized discovery provider is a small loader; its diff replaces on a new host or address, updates on new requests", async () => {
  const serialized = await pulumi.runtime.serializeFunction(() => serializedHostDiscoveryProvider, { allowSecrets: true });
  assert.ok(serialized.text.length < 10_000, `serialized provider is ${serialized.text.length} bytes`);
  for (const name of ["SshTransport", "HostError", "splitBatch"]) assert.ok(!serialized.text.includes(name), `${name} must not be serialized`);
  const provider = await loadLikeTheEngine();
  assert.deepEqual(await provider.diff!("d2@10.77.0.12", outputs, inputs), { changes: false });
  assert.deepEqual(await provider.diff!("d2@10.77.0.12", outputs, { ...inputs, target: { ...inputs.target, user: "deploy" } }), { changes: false }, "connection settings alone change nothing");
  assert.deepEqual(await provider.diff!("d2@10.77.0.12", outputs, { ...inputs, target: { ...inputs.target, address: "10.77.0.99" } }), { replaces: ["target"] });
  assert.deepEqual(await provider.diff!("d2@10.77.0.12", outputs, { ...inputs, host: "d3" }), { replaces: ["host"] });
  const more = { ...inputs, requests: [...inputs.requests, { id: "interface:d2", host: "d2", what: "interface" as const, from: "10.77.0.11", configKey: "k" }] };
  assert.deepEqual(await provider.diff!("d2@10.77.0.12", outputs, more), { changes: true });
  assert.deepEqual(await provider.diff!("d2@10.77.0.12", outputs, { ...inputs, requests: UNKNOWN as never }), {});
  await assert.rejects(provider.read!("d2@10.77.0.12"), /import is not supported/);
});

test("read re-discovers on the host: a replaced NIC's new MAC replaces the stored one", async () => {
  const fake: Transport & { closed: boolean } = {
    host: "d2",
    closed: false,
    async run(script) {
      assert.match(script, /cat \/sys\/class\/net\/eth0\/address/);
      return { code: 0, stderr: "", stdout: "@@pulumi-lvs:begin mac-eth0\n52:54:00:77:99:12\n\n@@pulumi-lvs:end\n" };
    },
    close() {},
  };
  const g = globalThis as { __pulumiLvsSshPool?: Map<string, Promise<unknown>> };
  (g.__pulumiLvsSshPool ??= new Map()).set("root@10.77.0.12:22", Promise.resolve(fake));
  try {
    const r = await hostDiscoveryProvider.read("d2@10.77.0.12", outputs);
    assert.deepEqual(r.props?.macs, { d2: "52:54:00:77:99:12" });
    assert.deepEqual(r.props?.requests, inputs.requests);
  } finally {
    g.__pulumiLvsSshPool!.delete("root@10.77.0.12:22");
  }
});
