// `pulumi-lvs status` argument handling and failure modes that need no real hosts: usage, invalid configs, SSH
// secrets that cannot be decrypted offline, and unreachable hosts (flagged, exit 1, --json for scripts).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { main } from "../../../cli/main";
import { secretEnvNames, sshSecrets } from "../../../cli/status";
import { requireValidCluster } from "../../../core/config/validate";
import { captureIo } from "../../support/examples";

function stackFile(cluster: unknown, extra: Record<string, unknown> = {}): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-status-")), "Pulumi.test.yaml");
  const config: Record<string, unknown> = { "pulumi-lvs:cluster": cluster };
  for (const [k, v] of Object.entries(extra)) config[`pulumi-lvs:${k}`] = v;
  fs.writeFileSync(file, stringify({ config }));
  return file;
}

/** A cluster on loopback addresses with an SSH port nothing listens on: every connection is refused at once. */
function refusedCluster(ssh: Record<string, unknown> = {}): any {
  return {
    name: "web",
    subnet: "127.0.0.0/24",
    ssh: { user: "root", port: 1, knownHostsFile: "/dev/null", ...ssh },
    hosts: [
      { name: "d1", address: "127.0.0.11" },
      { name: "d2", address: "127.0.0.12" },
      { name: "r1", address: "127.0.0.21" },
    ],
    directors: [
      { host: "d1", interface: "eth0", priority: 150 },
      { host: "d2", interface: "eth0", priority: 100 },
    ],
    vrrp: [{ name: "VI_1" }],
    // Not a loopback VIP: that never leaves a host, and validation refuses it.
    services: [{ name: "http", vip: "10.77.0.100", port: 80, realServers: [{ host: "r1" }] }],
  };
}

async function run(argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.join("\n"), stderr: io.stderr.join("\n") };
}

test("status without a file, with an option as the file, or with an unknown option: usage, exit 2", async () => {
  for (const argv of [["status"], ["status", "--json"], ["status", stackFile(refusedCluster()), "--yaml"], ["status", stackFile(refusedCluster()), "extra"]]) {
    const r = await run(argv);
    assert.equal(r.code, 2, argv.join(" "));
    assert.match(r.stderr, /pulumi-lvs status <Pulumi\.stack\.yaml> \[--json\]/);
    assert.equal(r.stdout, "");
  }
});

/** TCP listeners on every host address of `refusedCluster` (one port), counting connections and closing them at once. */
async function countingListeners(): Promise<{ port: number; connections: () => number; close: () => void }> {
  let count = 0;
  const servers: net.Server[] = [];
  let port = 0;
  for (const address of ["127.0.0.11", "127.0.0.12", "127.0.0.21"]) {
    const server = net.createServer((c) => {
      count++;
      c.destroy();
    });
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, address, resolve));
    port = (server.address() as net.AddressInfo).port;
    servers.push(server);
  }
  return { port, connections: () => count, close: () => servers.forEach((s) => s.close()) };
}

test("status on a missing file: exit 2; on an invalid config: the errors by key, exit 1, no host contacted", async () => {
  const missing = await run(["status", "/nonexistent/Pulumi.x.yaml"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^error: /);
  const listeners = await countingListeners();
  try {
    const bad = refusedCluster({ port: listeners.port });
    bad.directors[1].priority = 150;
    const r = await run(["status", stackFile(bad)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /pulumi-lvs:cluster\.directors/);
    assert.match(r.stderr, /nothing rendered/);
    assert.equal(listeners.connections(), 0, "an invalid config must stop status before it connects anywhere");
    // The control: the same listeners do see the connections of a valid config (so the 0 above is measured).
    const good = await run(["status", stackFile(refusedCluster({ port: listeners.port })), "--json"]);
    assert.equal(good.code, 1);
    assert.ok(listeners.connections() >= 3, `a valid config connects to every host (${listeners.connections()} connections)`);
  } finally {
    listeners.close();
  }
});

test("status with an SSH key held as a secret reference: fails clearly (exit 2) unless PULUMI_LVS_SECRET_<KEY> is set", async () => {
  const file = stackFile(refusedCluster({ privateKey: { secret: "sshKey" } }), { sshKey: { secure: "v1:AAAA" } });
  delete process.env.PULUMI_LVS_SECRET_SSHKEY;
  const r = await run(["status", file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot be decrypted offline: pulumi-lvs:sshKey \(set PULUMI_LVS_SECRET_SSHKEY\)/);
  assert.doesNotMatch(r.stderr, /v1:AAAA/);
});

test("secret environment names: the provider's PULUMI_LVS_SECRET_<KEY upper-cased>, plus a shell-safe variant", () => {
  assert.deepEqual(secretEnvNames("sshKey"), ["PULUMI_LVS_SECRET_SSHKEY"]);
  assert.deepEqual(secretEnvNames("ssh-key.prod"), ["PULUMI_LVS_SECRET_SSH-KEY.PROD", "PULUMI_LVS_SECRET_SSH_KEY_PROD"]);
  const { config } = requireValidCluster(refusedCluster({ privateKey: { secret: "ssh-key" }, password: { secret: "pw" } }));
  assert.deepEqual(sshSecrets(config, { PULUMI_LVS_SECRET_SSH_KEY: "KEY", PULUMI_LVS_SECRET_PW: "x" }), { "ssh-key": "KEY", pw: "x" });
  assert.throws(() => sshSecrets(config, { PULUMI_LVS_SECRET_PW: "x" }), /pulumi-lvs:ssh-key \(set PULUMI_LVS_SECRET_SSH-KEY\)/);
});

test("status with unreachable hosts: every host flagged, exit 1; --json prints one parseable report", async () => {
  const file = stackFile(refusedCluster());
  const r = await run(["status", file, "--json"]);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.ok, false);
  assert.deepEqual(report.problems.map((p: { code: string; host?: string; group?: string }) => `${p.code} ${p.host ?? p.group}`).sort(), ["no-master VI_1", "unreachable d1", "unreachable d2", "unreachable r1"]);
  assert.match(report.directors[0].error, /ECONNREFUSED/);
  assert.equal(report.directors[0].groups[0].state, "UNKNOWN");
  const text = await run(["status", file]);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^cluster web\n/);
  assert.match(text.stdout, /4 problem\(s\):/);
  assert.match(text.stdout, /! \[unreachable\] d1: cannot read its state: cannot connect to 127\.0\.0\.11:1/);
});
