// Component tests with strict Pulumi mocks: the resource graph, names, parents, secrets, and fail-fast validation.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterInput } from "../../../components/cluster-input";
import { parseStackFile } from "../../../core/config/stack-file";
import { FAKE_PRIVATE_KEY, plainStrings, secretStrings } from "./registrations";

const root = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  return dir;
})();

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];
const ALLOWED = new Set([
  "pulumi-lvs:index:LvsCluster",
  "pulumi-lvs:index:Director",
  "pulumi-lvs:index:RealServer",
  "pulumi-lvs:index:Vip",
  "pulumi-nodejs:dynamic/pulumi-lvs:HostConfig",
  "pulumi-nodejs:dynamic/pulumi-lvs:HostDiscovery",
  "pulumi-nodejs:dynamic/pulumi-lvs:HostPrepare",
]);

before(() => {
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (!ALLOWED.has(args.type)) throw new Error(`unexpected resource type ${args.type}`);
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        if (args.type.endsWith(":HostDiscovery")) return { id: `${args.name}-id`, state: { ...args.inputs, macs: {}, interfaces: { [args.inputs.host]: "eth0" } } };
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args) {
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    "pulumi-lvs",
    "test",
    false,
  );
});

function exampleCluster(file: string): ClusterInput {
  return parseStackFile(fs.readFileSync(path.join(root, "examples", file), "utf8")).cluster as ClusterInput;
}

function settle<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

/** An example whose SSH key is a secret reference, as a production stack holds it. */
function withKeySecret(file: string): any {
  const c = structuredClone(exampleCluster(file)) as any;
  c.ssh = { ...c.ssh, privateKey: { secret: "sshKey" } };
  delete c.ssh.privateKeyFile;
  return c;
}

test("a DR cluster registers one component per director, real server and VIP, each with its host config", async () => {
  const { LvsCluster } = await import("../../../components/cluster");
  // The key text is at hand (as a secret value), so a leak into any input would show.
  const lvs = new LvsCluster("web", { config: withKeySecret("Pulumi.dr.yaml"), secrets: { sshKey: pulumi.secret(FAKE_PRIVATE_KEY) }, liveOrder: false });
  const hashes = await settle(lvs.configHashes);
  await new Promise((r) => setTimeout(r, 50));
  const names = (type: string) => registered.filter((r) => r.type === type).map((r) => r.name).sort();
  assert.deepEqual(names("pulumi-lvs:index:Director"), ["web-d1", "web-d2"]);
  assert.deepEqual(names("pulumi-lvs:index:RealServer"), ["web-r1", "web-r2", "web-r3"]);
  assert.deepEqual(names("pulumi-lvs:index:Vip"), ["web-http"]);
  assert.deepEqual(names("pulumi-nodejs:dynamic/pulumi-lvs:HostDiscovery"), ["web-r1-discovery", "web-r2-discovery", "web-r3-discovery"], "the example leaves the real servers' interfaces to discovery");
  assert.deepEqual(names("pulumi-nodejs:dynamic/pulumi-lvs:HostConfig"), ["web-d1-config", "web-d2-config", "web-r1-config", "web-r2-config", "web-r3-config"]);
  assert.deepEqual(Object.keys(hashes).sort(), ["d1", "d2", "r1", "r2", "r3"]);
  assert.deepEqual(lvs.directorHosts, ["d1", "d2"]);
  assert.deepEqual(await settle(lvs.vipAddresses), ["10.77.0.100"]);

  const d1 = registered.find((r) => r.name === "web-d1-config")!;
  const files = d1.inputs.files as Record<string, string>;
  assert.match(files["/etc/keepalived/keepalived.conf"], /virtual_server 10\.77\.0\.100 80 \{/);
  assert.equal(typeof d1.inputs.__provider, "string", "the serialized provider travels in the inputs");
  assert.ok((d1.inputs.__provider as string).includes("exports.handler"));
  const target = d1.inputs.target as Record<string, unknown>;
  assert.equal(target.address, "10.77.0.11");
  assert.equal(target.privateKeySecret, "sshKey", "the target names the key, never holds it");
  const web = registered.filter((r) => r.name.startsWith("web-"));
  assert.equal(web.length, 19, "5 components + their 5 HostConfigs, 5 HostPrepares, 3 discoveries, 1 Vip");
  for (const r of web) assert.equal(JSON.stringify(r.inputs).includes("BEGIN OPENSSH PRIVATE KEY"), false, `${r.name} holds the private key`);
});

test("secret values reach the inputs only as secrets: the prod example's VRRP password only in the directors' secretFiles", async () => {
  const { LvsCluster } = await import("../../../components/cluster");
  const password = "Zq7!pw8x";
  const lvs = new LvsCluster("sec", { config: withKeySecret("Pulumi.prod.yaml"), secrets: { vrrpPassword: pulumi.secret(password), sshKey: pulumi.secret(FAKE_PRIVATE_KEY) }, liveOrder: false });
  await settle(lvs.configHashes);
  await new Promise((r) => setTimeout(r, 50));
  const mine = registered.filter((r) => r.name.startsWith("sec-"));
  assert.ok(mine.length >= 8, `${mine.length} registrations`);
  for (const r of mine) {
    const leaked = plainStrings(r.inputs).filter((s) => s.includes(password) || s.includes("PRIVATE KEY"));
    assert.deepEqual(leaked, [], `${r.name}: a secret value in plain text`);
    assert.ok(!secretStrings(r.inputs).some((s) => s.includes("PRIVATE KEY")), `${r.name}: the SSH key is never an input, not even as a secret`);
  }
  for (const d of ["sec-d1-config", "sec-d2-config", "sec-d1-prepare", "sec-d2-prepare"]) {
    const config = mine.find((r) => r.name === d)!;
    // Quoted: unquoted, keepalived reads "!" as a comment and the password was silently cut to "Zq7".
    assert.ok(secretStrings(config.inputs.secretFiles).some((s) => /^auth_pass "Zq7!pw8x"$/m.test(s)), `${d}: the password is in its secret auth file`);
    assert.match((config.inputs.files as Record<string, string>)["/etc/keepalived/keepalived.conf"], /includea \/etc\/keepalived\/pulumi-lvs-auth-VI_SHOP\.conf/);
  }
});

test("an invalid config fails before any resource is registered, listing every error by key", async () => {
  const { LvsCluster } = await import("../../../components/cluster");
  const bad = structuredClone(exampleCluster("Pulumi.dr.yaml")) as { vrrp: { virtualRouterId?: number }[]; services: { scheduler: string }[] };
  bad.vrrp[0].virtualRouterId = 300;
  bad.services[0].scheduler = "fastest";
  const before = registered.length;
  assert.throws(
    () => new LvsCluster("broken", { config: bad as unknown as ClusterInput, liveOrder: false }),
    (e: Error) =>
      e.message.includes("pulumi-lvs:cluster.vrrp[0].virtualRouterId: must be <= 255") && e.message.includes("pulumi-lvs:cluster.services[0].scheduler: must be one of"),
  );
  assert.equal(registered.filter((r) => r.name.startsWith("broken-")).length, 0);
  assert.ok(registered.length - before <= 1, "only the component shell itself may have been registered");
});

test("config warnings are logged once per deployment, without a doubled 'warning:' prefix", async () => {
  const { LvsCluster } = await import("../../../components/cluster");
  const warned: string[] = [];
  const original = pulumi.log.warn;
  (pulumi.log as { warn: typeof pulumi.log.warn }).warn = async (msg: string) => void warned.push(msg);
  try {
    const lvs = new LvsCluster("prod", { config: exampleCluster("Pulumi.prod.yaml"), secrets: { vrrpPassword: pulumi.secret("s3cret") }, liveOrder: false });
    await settle(lvs.configHashes);
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    (pulumi.log as { warn: typeof pulumi.log.warn }).warn = original;
  }
  const auth = warned.filter((w) => w.includes("vrrp[0].auth"));
  assert.equal(auth.length, 1, `one auth warning, got ${JSON.stringify(warned)}`);
  assert.ok(!auth[0].startsWith("warning:"), auth[0]);
});
