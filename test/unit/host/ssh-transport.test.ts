// The ssh2 transport against a real OpenSSH server: a private sshd on 127.0.0.1 (own config, host key, authorized
// keys, pid file, all in a temp dir); it never touches the system sshd or /etc/ssh. Temporary users and a sudoers
// drop-in for the sudo cases are removed in after().
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { pooledTransport, closePool, SshTarget, SshTransport } from "../../../host/ssh";
import { HostError } from "../../../host/errors";

const SSHD = "/usr/sbin/sshd";
const haveSshd = fs.existsSync(SSHD) && process.getuid?.() === 0;
const skip = haveSshd ? false : "needs root and /usr/sbin/sshd (apt-get install openssh-server)";

let dir = "";
let port = 0;
let sshd: ChildProcess | undefined;
let sshdLog = "";
let hostFingerprint = "";
let createdRunDir = false;
const tag = randomBytes(3).toString("hex");
const sudoUser = `plvs-s-${tag}`;
const plainUser = `plvs-n-${tag}`;
const sudoersFile = `/etc/sudoers.d/plvs-test-${tag}`;
const createdUsers: string[] = [];

const file = (name: string) => path.join(dir, name);
const keygen = (name: string) => execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", file(name)]);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitForPort(p: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(p, "127.0.0.1", () => {
        c.destroy();
        resolve(true);
      });
      c.once("error", () => resolve(false));
    });
    if (ok) return;
    if (sshd?.exitCode !== null) throw new Error(`sshd exited (${sshd?.exitCode}):\n${sshdLog}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${p}:\n${sshdLog}`);
}

function target(extra: Partial<SshTarget> = {}): SshTarget {
  return {
    name: "t1",
    address: "127.0.0.1",
    port,
    user: "root",
    privateKey: fs.readFileSync(file("client"), "utf8"),
    hostKeys: { fingerprints: [hostFingerprint] },
    pinHint: "hosts[t1].hostKey",
    connectTimeoutMs: 10000,
    commandTimeoutMs: 20000,
    retries: 0,
    ...extra,
  };
}

/** Every process below pid (the per-connection sshd processes of our own sshd). */
function descendants(pid: number): number[] {
  let text = "";
  try {
    text = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8");
  } catch {
    return [];
  }
  const kids = text.split(/\s+/).filter(Boolean).map(Number);
  return kids.flatMap((k) => [k, ...descendants(k)]);
}

function addUser(name: string): void {
  execFileSync("useradd", ["--no-create-home", "--shell", "/bin/sh", "--password", "*", name]);
  createdUsers.push(name);
}

before(async () => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-sshd-"));
  fs.chmodSync(dir, 0o755);
  keygen("host_ed25519");
  keygen("client");
  keygen("wrong");
  keygen("other_host");
  const out = execFileSync("ssh-keygen", ["-lf", file("host_ed25519.pub")], { encoding: "utf8" });
  hostFingerprint = /\b(SHA256:\S+)/.exec(out)![1];
  addUser(sudoUser);
  addUser(plainUser);
  fs.mkdirSync(file("authorized_keys"));
  for (const u of ["root", sudoUser, plainUser]) fs.copyFileSync(file("client.pub"), path.join(file("authorized_keys"), u));
  fs.writeFileSync(sudoersFile, `${sudoUser} ALL=(root) NOPASSWD: ALL\n`, { mode: 0o440 });
  execFileSync("visudo", ["-c", "-q", "-f", sudoersFile]);
  if (!fs.existsSync("/run/sshd")) {
    fs.mkdirSync("/run/sshd", { mode: 0o755 });
    createdRunDir = true;
  }
  port = await freePort();
  fs.writeFileSync(
    file("sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${file("host_ed25519")}`,
      `PidFile ${file("sshd.pid")}`,
      `AuthorizedKeysFile ${file("authorized_keys")}/%u`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      "MaxStartups 100",
      "LogLevel VERBOSE",
      "",
    ].join("\n"),
  );
  sshd = spawn(SSHD, ["-D", "-e", "-f", file("sshd_config")], { stdio: ["ignore", "ignore", "pipe"] });
  sshd.stderr!.on("data", (d: Buffer) => (sshdLog += d.toString()));
  await waitForPort(port);
});

after(() => {
  closePool();
  if (sshd?.pid !== undefined && sshd.exitCode === null) {
    for (const pid of descendants(sshd.pid)) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        /* already gone */
      }
    }
    sshd.kill("SIGTERM");
  }
  fs.rmSync(sudoersFile, { force: true });
  for (const u of createdUsers) spawnSync("userdel", [u]);
  if (createdRunDir) fs.rmSync("/run/sshd", { recursive: true, force: true });
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  assert.fail("expected a rejection");
}

test("runs a script as root: stdout, stderr and exit code", { skip }, async () => {
  const t = await SshTransport.open(target());
  try {
    const r = await t.run("echo out; echo err >&2; id -u; exit 3");
    assert.deepEqual(r, { code: 3, stdout: "out\n0\n", stderr: "err\n" });
    assert.deepEqual(await t.run("true"), { code: 0, stdout: "", stderr: "" });
  } finally {
    t.close();
  }
});

test("the script travels on stdin: a 300 KB script (larger than one argv string may be) runs whole", { skip }, async () => {
  const payload = randomBytes(225 * 1024).toString("base64"); // 300 KB of text in one shell word
  const t = await SshTransport.open(target());
  try {
    const r = await t.run(`printf '%s' '${payload}' | sha256sum\necho last line`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${createHash("sha256").update(payload).digest("hex")}  -\nlast line\n`);
  } finally {
    t.close();
  }
});

test("a command that reads stdin cannot swallow the rest of the script", { skip }, async () => {
  const padding = Array.from({ length: 6000 }, (_, i) => `: padding line ${i} ${"x".repeat(40)}`).join("\n");
  const t = await SshTransport.open(target());
  try {
    const r = await t.run(`cat > /dev/null\nread -r line || echo "stdin is empty"\n${padding}\necho survived`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "stdin is empty\nsurvived\n");
  } finally {
    t.close();
  }
});

test("host keys: an unknown key is refused, naming its SHA256 fingerprint and how to pin it", { skip }, async () => {
  const e = await rejection(SshTransport.open(target({ hostKeys: {} })));
  assert.ok(e instanceof HostError);
  assert.match(e.message, /unknown SSH host key/);
  assert.ok(e.message.includes(hostFingerprint), e.message);
  assert.match(e.message, /pin it with hosts\[t1\]\.hostKey/);
  assert.equal(e.retryable, false);
});

test("host keys: a known_hosts entry with a different key is refused as CHANGED", { skip }, async () => {
  const kh = file("known_hosts_changed");
  fs.writeFileSync(kh, `[127.0.0.1]:${port} ${fs.readFileSync(file("other_host.pub"), "utf8").split(" ").slice(0, 2).join(" ")}\n`);
  const e = await rejection(SshTransport.open(target({ hostKeys: { knownHostsFile: kh, trustOnFirstUse: true } })));
  assert.match(e.message, /CHANGED/);
  assert.ok(e.message.includes(hostFingerprint), e.message);
  const wrongPin = await rejection(SshTransport.open(target({ hostKeys: { fingerprints: ["SHA256:" + "A".repeat(43)] } })));
  assert.match(wrongPin.message, /CHANGED/);
});

test("host keys: trust on first use records the key only when opted in, then the recorded key verifies", { skip }, async () => {
  const kh = file("known_hosts_tofu");
  await rejection(SshTransport.open(target({ hostKeys: { knownHostsFile: kh } })));
  assert.equal(fs.existsSync(kh), false, "the key was recorded without opt-in");
  const t = await SshTransport.open(target({ hostKeys: { knownHostsFile: kh, trustOnFirstUse: true } }));
  t.close();
  const found = spawnSync("ssh-keygen", ["-F", `[127.0.0.1]:${port}`, "-f", kh], { encoding: "utf8" });
  assert.equal(found.status, 0);
  assert.ok(found.stdout.includes(fs.readFileSync(file("host_ed25519.pub"), "utf8").split(" ")[1]));
  const again = await SshTransport.open(target({ hostKeys: { knownHostsFile: kh } }));
  assert.equal((await again.run("echo ok")).stdout, "ok\n");
  again.close();
});

test("a wrong client key fails authentication naming the user, and is not retried", { skip }, async () => {
  let connections = 0;
  const proxy = net.createServer((c) => {
    connections++;
    const up = net.connect(port, "127.0.0.1");
    c.pipe(up).pipe(c);
    c.on("error", () => up.destroy());
    up.on("error", () => c.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const proxyPort = (proxy.address() as net.AddressInfo).port;
  const retries: number[] = [];
  try {
    const e = await rejection(
      SshTransport.open(
        target({ port: proxyPort, privateKey: fs.readFileSync(file("wrong"), "utf8"), retries: 3, hostKeys: { fingerprints: [hostFingerprint] }, onRetry: (n) => retries.push(n) }),
      ),
    );
    assert.match(e.message, /SSH authentication as root failed/);
    assert.equal((e as HostError).retryable, false);
    assert.equal(connections, 1);
    assert.deepEqual(retries, []);
  } finally {
    proxy.close();
  }
});

test("connection refused is retried with growing backoff, then fails with a clear error", { skip }, async () => {
  const closed = await freePort();
  const delays: number[] = [];
  const attempts: number[] = [];
  const e = await rejection(
    SshTransport.open(
      target({
        port: closed,
        retries: 2,
        onRetry: (n, ms) => {
          attempts.push(n);
          delays.push(ms);
        },
      }),
    ),
  );
  assert.deepEqual(attempts, [1, 2]);
  assert.ok(delays[1] > delays[0], `backoff did not grow: ${delays.join(", ")}`);
  assert.match(e.message, new RegExp(`^host t1: cannot connect to 127\\.0\\.0\\.1:${closed}: .*ECONNREFUSED.*gave up after 3 attempts`));
});

test("a command that outlives its deadline is stopped with an error; the connection stays usable", { skip }, async () => {
  const t = await SshTransport.open(target());
  try {
    const e = await rejection(t.run("sleep 30", { timeoutMs: 300 }));
    assert.match(e.message, /^host t1: command timed out after/);
    assert.equal((await t.run("echo next")).stdout, "next\n");
  } finally {
    t.close();
  }
});

test("pooledTransport: one connection per target; a connection that drops (host reboot) is replaced", { skip }, async () => {
  const a = await pooledTransport(target());
  const b = await pooledTransport(target());
  assert.equal(a, b);
  assert.equal((await a.run("echo one")).stdout, "one\n");
  const closedNow = new Promise<void>((resolve) => a.onClose(resolve));
  // Kill the server side of this connection only: the per-connection sshd processes, never the listener.
  const before = descendants(sshd!.pid!);
  assert.ok(before.length > 0, "no per-connection sshd process found");
  for (const pid of before) process.kill(pid, "SIGKILL");
  await closedNow;
  const dead = await rejection(a.run("echo lost"));
  assert.match(dead.message, /connection is closed/);
  const c = await pooledTransport(target());
  assert.notEqual(c, a);
  assert.equal((await c.run("echo two")).stdout, "two\n");
  assert.equal(await pooledTransport(target()), c);
  closePool();
});

test("sudo: a user with NOPASSWD sudo runs scripts as root", { skip }, async () => {
  const t = await SshTransport.open(target({ user: sudoUser }));
  try {
    const r = await t.run("id -u; echo \"$SUDO_USER\"");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `0\n${sudoUser}\n`);
  } finally {
    t.close();
  }
});

test("sudo: a user without passwordless sudo fails fast at connect, saying what to do", { skip }, async () => {
  const e = await rejection(SshTransport.open(target({ user: plainUser })));
  assert.match(e.message, new RegExp(`user ${plainUser} cannot run sudo without a password`));
  assert.match(e.message, /NOPASSWD/);
});

test("with PULUMI_LVS_TRACE set: the connection and each command batch are traced, batches under the phase they ran in", { skip }, async () => {
  const { inPhase, TRACE_ENV } = await import("../../../host/trace");
  const traceFile = file("trace.jsonl");
  const saved = process.env[TRACE_ENV];
  process.env[TRACE_ENV] = traceFile;
  try {
    const t = await SshTransport.open(target());
    try {
      await inPhase("local", "prepare", async () => {
        await t.run("true");
        await t.run("sleep 0.2");
      });
      await t.run("true");
    } finally {
      t.close();
    }
  } finally {
    if (saved === undefined) delete process.env[TRACE_ENV];
    else process.env[TRACE_ENV] = saved;
  }
  const events = fs.readFileSync(traceFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { t: string; host: string; phase?: string; start: number; end: number });
  assert.deepEqual(events.map((e) => [e.t, e.phase ?? null]), [["connect", null], ["run", "prepare"], ["run", "prepare"], ["phase", "prepare"], ["run", null]]);
  for (const e of events) assert.ok(e.end >= e.start, JSON.stringify(e));
  const [, , slow, phase] = events;
  assert.ok(slow.end - slow.start >= 200, `the second batch took ${slow.end - slow.start} ms`);
  assert.ok(phase.start <= events[1].start && phase.end >= slow.end, "the phase spans its batches");
  assert.ok(!fs.readFileSync(traceFile, "utf8").includes("sleep"), "the trace holds no command text");
});
