// The providers read SSH secrets as `pulumi-lvs:<key>` whatever the project is called: the dynamic provider's config
// prefixes a bare key with the project name, which in a program using the package is not pulumi-lvs (the consumer
// engine test failed with "secret config key pulumi-lvs:sshKey is not set" before the qualified lookup).
import { test } from "node:test";
import assert from "node:assert/strict";
import { secretReader } from "../../../host/ssh-target";

// The config class the SDK's dynamic-provider host hands to configure().
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Config } = require("@pulumi/pulumi/cmd/dynamic-provider/config") as { Config: new (raw: Record<string, string>, project: string) => { get(k: string): string | undefined } };

test("a consumer project's provider config: pulumi-lvs:sshKey is found although the project is lvs-example", () => {
  const config = new Config({ "pulumi-lvs:sshKey": "KEY" }, "lvs-example");
  assert.equal(config.get("sshKey"), undefined, "control: a bare key is read under the project's name");
  assert.equal(secretReader(config)("sshKey"), "KEY");
});

test("this repo's own project (pulumi-lvs) and a missing key", () => {
  assert.equal(secretReader(new Config({ "pulumi-lvs:sshKey": "KEY" }, "pulumi-lvs"))("sshKey"), "KEY");
  assert.throws(() => secretReader(new Config({}, "lvs-example"))("vrrpKey"), /secret config key pulumi-lvs:vrrpKey is not set/);
});
