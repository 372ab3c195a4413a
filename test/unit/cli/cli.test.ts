// The offline CLI: `validate` and `render --out` on real stack files, exit codes, every error by key, secrets.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import { main } from "../../../cli/main";
import { captureIo, examples } from "../../support/examples";
import { readTree } from "../../support/file-tree";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-cli-"));
}

/** Writes a Pulumi.<stack>.yaml with `cluster` under pulumi-lvs:cluster plus any other pulumi-lvs:* values. */
function stackFile(cluster: unknown, extra: Record<string, unknown> = {}): string {
  const file = path.join(tempDir(), "Pulumi.test.yaml");
  const config: Record<string, unknown> = { "pulumi-lvs:cluster": cluster };
  for (const [k, v] of Object.entries(extra)) config[`pulumi-lvs:${k}`] = v;
  fs.writeFileSync(file, stringify({ config }));
  return file;
}

function cluster(): any {
  return {
    name: "web",
    subnet: "10.77.0.0/24",
    hosts: [
      { name: "d1", address: "10.77.0.11" },
      { name: "d2", address: "10.77.0.12" },
      { name: "r1", address: "10.77.0.21" },
    ],
    directors: [
      { host: "d1", priority: 150 },
      { host: "d2", priority: 100 },
    ],
    vrrp: [{ name: "VI_1" }],
    services: [{ name: "http", vip: "10.77.0.100", port: 80, realServers: [{ host: "r1" }] }],
  };
}

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.join("\n"), stderr: io.stderr.join("\n") };
}

for (const example of examples()) {
  test(`validate ${example.name}: exit 0`, async () => {
    const r = await run("validate", example.file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /: valid \(\d+ hosts, \d+ services\)$/);
    assert.deepEqual(r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("warning: ")), [], "only warnings may reach stderr");
  });
}

test("validate reports every schema error by config key, exit 1", async () => {
  const c = cluster();
  c.hosts[1].address = "10.77.0.300";
  c.directors[0].priority = 300;
  c.services[0].scheduler = "fastest";
  c.services[0].colour = "blue";
  const r = await run("validate", stackFile(c));
  assert.equal(r.code, 1);
  for (const key of [
    "pulumi-lvs:cluster.hosts[1].address: must be a valid IPv4 or IPv6 address",
    "pulumi-lvs:cluster.directors[0].priority:",
    "pulumi-lvs:cluster.services[0].scheduler: must be one of: rr,",
    "pulumi-lvs:cluster.services[0].colour: is not a known setting",
  ])
    assert.ok(r.stderr.includes(key), `stderr lacks "${key}":\n${r.stderr}`);
  assert.match(r.stderr, /4 error\(s\); nothing rendered$/);
});

test("validate reports every semantic error by config key, exit 1", async () => {
  const c = cluster();
  c.directors[1].priority = 150;
  c.services[0].vip = "10.77.0.21";
  c.services[0].realServers = [{ host: "r1", port: 8080 }, { host: "r9" }];
  const r = await run("validate", stackFile(c));
  assert.equal(r.code, 1);
  for (const key of [
    "pulumi-lvs:cluster.directors[1].priority: priority 150",
    "pulumi-lvs:cluster.services[0].vip: 10.77.0.21 is the address of host \"r1\"",
    "pulumi-lvs:cluster.services[0].realServers[0].port: 8080 differs from the virtual port",
    "pulumi-lvs:cluster.services[0].realServers[1].host: names host \"r9\"",
  ])
    assert.ok(r.stderr.includes(key), `stderr lacks "${key}":\n${r.stderr}`);
});

test("validate refuses a secret reference to a missing or plain-text key", async () => {
  const c = cluster();
  c.vrrp[0].auth = { password: { secret: "vrrpPassword" } };
  const missing = await run("validate", stackFile(c));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /pulumi-lvs:cluster\.vrrp\[0\]\.auth\.password\.secret: names config key pulumi-lvs:vrrpPassword, which is not set/);
  const plain = await run("validate", stackFile(c, { vrrpPassword: "hunter2" }));
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /pulumi-lvs:vrrpPassword is stored in plain text/);
  assert.doesNotMatch(plain.stderr + plain.stdout, /hunter2/, "a plain-text secret is never echoed");
  const secure = await run("validate", stackFile(c, { vrrpPassword: { secure: "v1:bm9uY2U=:Y2lwaGVy" } }));
  assert.equal(secure.code, 0, secure.stderr);
});

test("usage errors exit 2: unknown command, missing file, render without --out", async () => {
  assert.equal((await run()).code, 2);
  assert.equal((await run("deploy", "x.yaml")).code, 2);
  const missing = await run("validate", path.join(tempDir(), "nope.yaml"));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^error: .*nope\.yaml/);
  const noCluster = path.join(tempDir(), "Pulumi.x.yaml");
  fs.writeFileSync(noCluster, "config:\n  other:key: 1\n");
  assert.match((await run("validate", noCluster)).stderr, /no "pulumi-lvs:cluster" key/);
  assert.equal((await run("render", examples()[0].file)).code, 2);
});

test("render --out writes <dir>/<host>/<abs path> for every manifest file, and manifest.json", async () => {
  const out = tempDir();
  const r = await run("render", examples().find((e) => e.name === "colocated")!.file, "--out", out);
  assert.equal(r.code, 0, r.stderr);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8"));
  assert.equal(manifest.generator, "pulumi-lvs");
  assert.deepEqual(
    manifest.hosts.map((h: any) => [h.host, h.roles]),
    [
      ["d1", ["director", "realServer"]],
      ["d2", ["director", "realServer"]],
    ],
  );
  const expected = manifest.hosts.flatMap((h: any) => h.files.map((f: any) => `${h.host}${f.path}`)).sort();
  const written = [...readTree(out).keys()].filter((k) => k !== "manifest.json").sort();
  assert.deepEqual(written, expected);
  assert.ok(written.includes("d1/etc/keepalived/keepalived.conf"));
  assert.ok(written.includes("d2/etc/pulumi-lvs/fwmark.nft"));
  for (const h of manifest.hosts)
    for (const f of h.files) {
      const content = fs.readFileSync(path.join(out, h.host, f.path));
      assert.equal(f.sha256, createHash("sha256").update(content).digest("hex"), `${h.host}${f.path}`);
    }
  assert.match(r.stdout, /^d1 \[director, realServer\]: 7 files; VI_DUO VRID 77 priority 150$/m);
});

test("render never decrypts secrets: placeholders in the 0600 auth file, never the secure blob", async () => {
  const prod = examples().find((e) => e.name === "prod")!;
  const blob = /secure: (v1:\S+)/.exec(fs.readFileSync(prod.file, "utf8"))![1];
  const out = tempDir();
  const r = await run("render", prod.file, "--out", out);
  assert.equal(r.code, 0, r.stderr);
  const auth = path.join(out, "d1", "etc/keepalived/pulumi-lvs-auth-VI_SHOP.conf");
  assert.match(fs.readFileSync(auth, "utf8"), /^auth_pass <secret pulumi-lvs:vrrpPassword>$/m);
  assert.equal(fs.statSync(auth).mode & 0o777, 0o600);
  const everything = [...readTree(out).values()].join("\n") + r.stdout + r.stderr;
  assert.ok(!everything.includes(blob), "the secure blob leaked into the render");
  const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8"));
  const authEntry = manifest.hosts[0].files.find((f: any) => f.path.includes("auth"));
  assert.deepEqual([authEntry.sha256, authEntry.secretKeys], [null, ["vrrpPassword"]]);
});
