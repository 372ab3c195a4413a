// Host key verification against keys and known_hosts files made by the real ssh-keygen.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { fingerprintOf, keyTypeOf, knownHostsName, knownKeys, verifyHostKey } from "../../../host/host-keys";

let dir = "";
const keys: Record<string, { blob: Buffer; line: string }> = {};

function keygen(name: string, type: string): void {
  const file = path.join(dir, name);
  execFileSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", `test-${name}`, "-f", file]);
  const line = fs.readFileSync(`${file}.pub`, "utf8").trim();
  keys[name] = { blob: Buffer.from(line.split(" ")[1], "base64"), line };
}
const entry = (name: string, key: string) => `${name} ${keys[key].line.split(" ").slice(0, 2).join(" ")}`;
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-hk-"));
  keygen("a", "ed25519");
  keygen("b", "ed25519");
  keygen("rsa", "rsa");
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("fingerprintOf equals ssh-keygen -lf, for ed25519 and RSA keys; keyTypeOf reads the blob", () => {
  for (const [name, type] of [["a", "ssh-ed25519"], ["rsa", "ssh-rsa"]]) {
    const out = execFileSync("ssh-keygen", ["-lf", path.join(dir, `${name}.pub`)], { encoding: "utf8" });
    const expected = /\b(SHA256:\S+)/.exec(out)![1];
    assert.equal(fingerprintOf(keys[name].blob), expected);
    assert.equal(keyTypeOf(keys[name].blob), type);
  }
  assert.notEqual(fingerprintOf(keys.a.blob), fingerprintOf(keys.b.blob));
});

test("knownHostsName: bare address on port 22, [address]:port otherwise", () => {
  assert.equal(knownHostsName("10.77.0.11", 22), "10.77.0.11");
  assert.equal(knownHostsName("10.77.0.11", 2222), "[10.77.0.11]:2222");
});

test("known_hosts: plain, comma lists, [host]:port, @revoked and comments", () => {
  const text = [
    "# comment",
    entry("10.77.0.11,d1", "a"),
    entry("[10.77.0.11]:2222", "b"),
    `@revoked ${entry("10.77.0.12", "b")}`,
    entry("10.77.0.12", "a"),
    "",
  ].join("\n");
  const b64 = (k: string) => keys[k].blob.toString("base64");
  assert.deepEqual(knownKeys(text, "10.77.0.11"), { keys: [b64("a")], revoked: [] });
  assert.deepEqual(knownKeys(text, "d1"), { keys: [b64("a")], revoked: [] });
  assert.deepEqual(knownKeys(text, "[10.77.0.11]:2222"), { keys: [b64("b")], revoked: [] });
  assert.deepEqual(knownKeys(text, "10.77.0.12"), { keys: [b64("a")], revoked: [b64("b")] });
  assert.deepEqual(knownKeys(text, "10.77.0.1"), { keys: [], revoked: [] });
});

test("known_hosts hashed by ssh-keygen -H still matches plain and [host]:port names", () => {
  const file = write("hashed", [entry("10.77.0.11", "a"), entry("[10.77.0.21]:2222", "b"), ""].join("\n"));
  execFileSync("ssh-keygen", ["-q", "-H", "-f", file]);
  const text = fs.readFileSync(file, "utf8");
  assert.doesNotMatch(text, /10\.77\.0\./, "ssh-keygen -H left plain names");
  assert.deepEqual(verifyHostKey(keys.a.blob, "10.77.0.11", 22, { knownHostsFile: file }), { ok: true });
  assert.deepEqual(verifyHostKey(keys.b.blob, "10.77.0.21", 2222, { knownHostsFile: file }), { ok: true });
  const wrongPort = verifyHostKey(keys.b.blob, "10.77.0.21", 22, { knownHostsFile: file });
  assert.equal(wrongPort.ok === false && wrongPort.reason, "unknown");
  const changed = verifyHostKey(keys.b.blob, "10.77.0.11", 22, { knownHostsFile: file });
  assert.equal(changed.ok === false && changed.reason, "changed");
});

test("verdicts: pinned fingerprint accepted (with or without base64 padding), other key changed, nothing known unknown", () => {
  const fp = fingerprintOf(keys.a.blob);
  assert.deepEqual(verifyHostKey(keys.a.blob, "h", 22, { fingerprints: [fp] }), { ok: true });
  assert.deepEqual(verifyHostKey(keys.a.blob, "h", 22, { fingerprints: [fp + "="] }), { ok: true });
  assert.deepEqual(verifyHostKey(keys.b.blob, "h", 22, { fingerprints: [fp] }), { ok: false, reason: "changed", fingerprint: fingerprintOf(keys.b.blob), keyType: "ssh-ed25519" });
  assert.deepEqual(verifyHostKey(keys.b.blob, "h", 22, {}), { ok: false, reason: "unknown", fingerprint: fingerprintOf(keys.b.blob), keyType: "ssh-ed25519" });
  const missing = path.join(dir, "does-not-exist");
  assert.deepEqual(verifyHostKey(keys.b.blob, "h", 22, { knownHostsFile: missing }).ok, false);
  assert.equal(fs.existsSync(missing), false);
});

test("verdicts: a revoked key is refused even when also listed as valid", () => {
  const file = write("revoked", [entry("10.77.0.12", "a"), `@revoked ${entry("10.77.0.12", "a")}`, ""].join("\n"));
  const v = verifyHostKey(keys.a.blob, "10.77.0.12", 22, { knownHostsFile: file });
  assert.equal(v.ok, false);
});

test("TOFU: appends only when opted in, in a form ssh-keygen -F finds, and never replaces a known key", () => {
  const file = write("tofu", entry("10.77.0.11", "a")); // no final newline on purpose
  const before = fs.readFileSync(file, "utf8");
  const refused = verifyHostKey(keys.b.blob, "10.77.0.31", 2222, { knownHostsFile: file });
  assert.equal(refused.ok === false && refused.reason, "unknown");
  assert.equal(fs.readFileSync(file, "utf8"), before, "recorded without opt-in");

  assert.deepEqual(verifyHostKey(keys.b.blob, "10.77.0.31", 2222, { knownHostsFile: file, trustOnFirstUse: true }), { ok: true, recorded: true });
  assert.deepEqual(verifyHostKey(keys.b.blob, "10.77.0.31", 2222, { knownHostsFile: file }), { ok: true });
  const found = spawnSync("ssh-keygen", ["-F", "[10.77.0.31]:2222", "-f", file], { encoding: "utf8" });
  assert.equal(found.status, 0, found.stderr);
  assert.match(found.stdout, new RegExp(keys.b.line.split(" ")[1].replace(/[+/]/g, "\\$&")));
  assert.equal(spawnSync("ssh-keygen", ["-F", "10.77.0.11", "-f", file]).status, 0, "the existing entry was damaged");

  const after = fs.readFileSync(file, "utf8");
  const changed = verifyHostKey(keys.a.blob, "10.77.0.31", 2222, { knownHostsFile: file, trustOnFirstUse: true });
  assert.equal(changed.ok === false && changed.reason, "changed");
  assert.equal(fs.readFileSync(file, "utf8"), after, "TOFU overwrote or added to a known host");
});
