// Every field of a host's desired state says what an update takes down and whether a change to it changes the
// host; diff compares by that, whatever the key order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HOST_SETTING_KEYS, sameHostState } from "../../../host/host-settings";
import { deploymentFor, sameDeployment } from "../../../host/deploy";
import { stateOf } from "./states";

const target = { address: "10.77.0.11", port: 22, user: "root", fingerprints: [], trustOnFirstUse: false, connectTimeoutSeconds: 20, commandTimeoutSeconds: 300 };

test("every field a render produces has a setting", () => {
  for (const [example, host] of [["colocated", "d1"], ["dr", "d1"], ["dr", "r1"], ["tun", "r1"]])
    assert.deepEqual(Object.keys(stateOf({ example, host })).filter((k) => !(HOST_SETTING_KEYS as string[]).includes(k)), [], `${example} ${host}`);
});

test("same host state: key order and the descriptive fields (discover, the keepalived model) do not count; a setting does", () => {
  const d1 = stateOf({ example: "colocated", host: "d1" });
  const reordered = Object.fromEntries(Object.entries(d1).reverse()) as typeof d1;
  assert.ok(sameHostState(d1, reordered));
  assert.ok(sameHostState(d1, { ...d1, discover: [{ id: "mac:d2", host: "d2", what: "mac", detail: "eth0", usedBy: "/etc/pulumi-lvs/fwmark.nft" }] }));
  assert.ok(sameHostState(d1, { ...d1, keepalived: undefined }));
  assert.ok(!sameHostState(d1, { ...d1, sysctls: { ...d1.sysctls, "net.ipv4.vs.sloppy_tcp": "1" } }));
  assert.ok(!sameHostState(d1, { ...d1, packages: [] }));
});

test("same deployment: connection details alone never count; secret contents and the provider version do", () => {
  const a = deploymentFor(stateOf({ example: "prod", host: "d1", secrets: { vrrpPassword: "one" } }), target);
  assert.ok(sameDeployment(a, { ...a, target: { ...target, user: "deploy", connectTimeoutSeconds: 5 } }));
  assert.ok(!sameDeployment(a, deploymentFor(stateOf({ example: "prod", host: "d1", secrets: { vrrpPassword: "two" } }), target)));
  assert.ok(!sameDeployment(a, { ...a, providerVersion: "0" }));
  assert.ok(sameDeployment(a, { ...a, drainSeconds: 30 }), "drain time is how, not what");
});
