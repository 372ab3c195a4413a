// parseStackFile reads the cluster value and the other pulumi-lvs keys from a Pulumi.<stack>.yaml.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseStackFile } from "../../../core/config/stack-file";
import { checkSecretReferences } from "../../../core/config/secrets";
import { buildModel } from "../../../core/model/cluster";
import { repoRoot } from "../../support/repo-root";
import { assertAccepted } from "./fixture";

const example = (name: string) => fs.readFileSync(path.join(repoRoot(), "examples", `Pulumi.${name}.yaml`), "utf8");

test("stack file: the DR example parses, validates and models", () => {
  const { cluster, values } = parseStackFile(example("dr"), "Pulumi.dr.yaml");
  assert.deepEqual(Object.keys(values), ["cluster"]);
  assert.equal(values.cluster, cluster);
  const { config } = assertAccepted(cluster);
  assert.deepEqual(checkSecretReferences(config!, values), []);
  const model = buildModel(config!);
  assert.equal(model.name, "web");
  assert.deepEqual(model.directors.map((d) => d.host), ["d1", "d2"]);
  assert.deepEqual(model.services.map((s) => [s.vip, s.port, s.forwarding, s.scheduler]), [["10.77.0.100", 80, "DR", "rr"]]);
  assert.deepEqual(model.realServers.map((r) => r.host), ["r1", "r2", "r3"]);
  assert.equal(model.sync?.group, "VI_WEB");
});

test("stack file: secure values stay encrypted and satisfy the secret references", () => {
  const { cluster, values } = parseStackFile(example("prod"));
  assert.deepEqual(Object.keys(values).sort(), ["cluster", "vrrpPassword"]);
  assert.equal(typeof (values.vrrpPassword as { secure: unknown }).secure, "string");
  assert.deepEqual(checkSecretReferences(assertAccepted(cluster).config!, values), []);
  assert.equal(checkSecretReferences(assertAccepted(cluster).config!, { cluster })[0]?.key, "pulumi-lvs:cluster.vrrp[0].auth.password.secret");
});

test("stack file: only this project's keys are collected, by short name", () => {
  const text = ["config:", "  aws:region: eu-west-1", "  pulumi-lvs:cluster: { name: x }", "  pulumi-lvs:token: plain", "  other:pulumi-lvs:x: 1", ""].join("\n");
  const { cluster, values } = parseStackFile(text);
  assert.deepEqual(cluster, { name: "x" });
  assert.deepEqual(values, { cluster: { name: "x" }, token: "plain" });
});

test("stack file: YAML without the cluster key is refused, naming the key and the file", () => {
  const cases = ["config:\n  pulumi-lvs:clustr: {}\n", "config: {}\n", "encryptionsalt: x\n", "", "# nothing\n"];
  for (const text of cases)
    assert.throws(() => parseStackFile(text, "Pulumi.typo.yaml"), /^Error: Pulumi\.typo\.yaml: no "pulumi-lvs:cluster" key under "config:"$/, JSON.stringify(text));
});

test("stack file: malformed YAML is an error, not an empty config", () => {
  // The YAML parser's own error, with its position; not "no pulumi-lvs:cluster key" (an empty document's error).
  assert.throws(
    () => parseStackFile("config:\n  pulumi-lvs:cluster: [unclosed\n", "Pulumi.bad.yaml"),
    (e: Error) => e.name === "StackFileSyntaxError" && /^Pulumi\.bad\.yaml:3:1: .*end with a \]/.test(e.message) && !/no "pulumi-lvs:cluster" key/.test(e.message),
  );
});
