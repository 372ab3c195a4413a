// The provider as the engine runs it: serialized by Pulumi's closure serializer, loaded from text, then diffed.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parseStackFile } from "../../../core/config/stack-file";
import { renderFromConfig } from "../../../core";
import { hostConfigProvider, serializedHostConfigProvider, HostConfigInputs, HostConfigOutputs, PROVIDER_VERSION } from "../../../components/host-config-provider";
import { targetFor } from "../../../core/plan/target";
import { requireValidCluster } from "../../../core/config/validate";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const root = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  return dir;
})();

async function loadLikeTheEngine(): Promise<typeof hostConfigProvider> {
  const serialized = await pulumi.runtime.serializeFunction(() => serializedHostConfigProvider, { allowSecrets: true });
  // The engine's dynamic-provider host does requireFromString(text).handler() from the project directory.
  const requireFromString = require(require.resolve("require-from-string", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }));
  return requireFromString(serialized.text, path.join(root, "__provider.js")).handler();
}

function inputsFor(clusterMutation?: (c: any) => void): HostConfigInputs {
  const raw = structuredClone(parseStackFile(fs.readFileSync(path.join(root, "examples/Pulumi.dr.yaml"), "utf8")).cluster) as any;
  clusterMutation?.(raw);
  const { config } = requireValidCluster(raw);
  const state = renderFromConfig(raw).hosts.find((h) => h.host === "d1")!;
  return {
    host: "d1",
    target: targetFor(config, config.hosts[0]),
    state: { ...state, files: state.files.map((f) => ({ ...f, content: "" })) },
    files: Object.fromEntries(state.files.map((f) => [f.path, f.content])),
    secretFiles: {},
    hash: state.hash,
    drainSeconds: 5,
    providerVersion: PROVIDER_VERSION,
  };
}

const asOutputs = (i: HostConfigInputs): HostConfigOutputs => ({ ...i, baseline: { sysctls: {}, modules: [], foreignFiles: [], keepalivedActive: false, keepalivedEnabled: false, scriptUser: false }, lastChanges: [], drift: [] });

test("diff of the deserialized provider: no change, config change, connection-only change, replacement, unknowns", async () => {
  const provider = await loadLikeTheEngine();
  const base = inputsFor();
  assert.deepEqual(await provider.diff!("d1", asOutputs(base), base), { changes: false });

  const weightChanged = inputsFor((c) => (c.services[0].realServers[0].weight = 3));
  const d = await provider.diff!("d1", asOutputs(base), weightChanged);
  assert.equal(d.changes, undefined, "changes left unset so the engine shows the per-line input diff");
  assert.equal(d.replaces, undefined);

  const sshOnly = { ...base, target: { ...base.target, connectTimeoutSeconds: 99, user: "deploy" } };
  assert.deepEqual(await provider.diff!("d1", asOutputs(base), sshOnly), { changes: false }, "connection settings alone never change a host");

  const moved = { ...base, target: { ...base.target, address: "10.77.0.99" } };
  assert.deepEqual(await provider.diff!("d1", asOutputs(base), moved), { replaces: ["target"], deleteBeforeReplace: true });

  const unknown = { ...base, hash: UNKNOWN };
  assert.deepEqual(await provider.diff!("d1", asOutputs(base), unknown), {}, "an unknown input during preview is never 'no change'");
});

test("read without stored state (import) fails with a clear message", async () => {
  const provider = await loadLikeTheEngine();
  await assert.rejects(provider.read!("d1@10.77.0.11"), /import is not supported/);
});

test("inputs returned by read() on drift: input keys, a changed hash (idempotent across refreshes) and the drift found now", async () => {
  const { driftedInputs } = await import("../../../components/host-config-provider");
  const base = inputsFor();
  const outs = { ...asOutputs(base), lastChanges: ["wrote /etc/keepalived/keepalived.conf"], drift: ["stale drift from an earlier refresh"] };
  const now = ["restart pulumi-lvs-vip.service (live state drifted)"];
  const inputs = driftedInputs(outs, now);
  // The engine shows a refresh (and the next preview) as a diff of these stored inputs: `drift` is what makes the
  // drift itself visible there; output-only keys such as `baseline` would only show up as noise.
  assert.deepEqual(Object.keys(inputs).sort(), [...Object.keys(base), "drift"].sort(), "no other output-only keys (baseline, lastChanges) in the stored inputs");
  assert.deepEqual(inputs.drift, now, "the drift read now, not the one stored by an earlier refresh");
  assert.equal(inputs.hash, `drifted:${base.hash}`);
  assert.equal(driftedInputs({ ...outs, hash: inputs.hash }, now).hash, inputs.hash);
  const provider = await loadLikeTheEngine();
  assert.deepEqual(await provider.diff!("d1", { ...outs, hash: inputs.hash }, base), {}, "the next preview shows an update that repairs the drift");
});

test("the serialized provider is a small loader: no host/ code by value (the serializer breaks class fields, Sets, Error subclasses)", async () => {
  const serialized = await pulumi.runtime.serializeFunction(() => serializedHostConfigProvider, { allowSecrets: true });
  assert.ok(serialized.text.length < 10_000, `serialized provider is ${serialized.text.length} bytes`);
  for (const name of ["SshTransport", "RETRYABLE", "HostError", "planHost"]) assert.ok(!serialized.text.includes(name), `${name} must not be serialized`);
  const provider = await loadLikeTheEngine();
  assert.equal((await provider.check!({} as HostConfigInputs, inputsFor())).failures?.length, 0);
});
