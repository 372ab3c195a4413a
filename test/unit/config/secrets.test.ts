// Secret references: every `{ secret: key }` must name a pulumi-lvs config key stored with --secret.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkSecretReferences, secretReferences } from "../../../core/config/secrets";
import { isSecureValue } from "../../../core/config/stack-file";
import { assertAccepted, mutated } from "./fixture";

const K = "pulumi-lvs:cluster";
const SECURE = { secure: "v1:AAAA:BBBB" };

function configWithSecrets() {
  const raw = mutated((c) => {
    c.vrrp[0].auth = { password: { secret: "vrrpPassword" } };
    c.ssh = { privateKey: { secret: "sshKey" } };
    c.hosts[1].ssh = { password: { secret: "d2Password" } };
  });
  return assertAccepted(raw).config!;
}

test("secrets: every reference is found, with the key path it sits at", () => {
  const uses = secretReferences(configWithSecrets()).map((u) => [u.key, u.path.join("/")]).sort();
  assert.deepEqual(uses, [
    ["d2Password", "hosts/1/ssh/password"],
    ["sshKey", "ssh/privateKey"],
    ["vrrpPassword", "vrrp/0/auth/password"],
  ]);
});

test("secrets: all referenced keys set with --secret pass", () => {
  const values = { vrrpPassword: SECURE, sshKey: SECURE, d2Password: SECURE, cluster: {} };
  assert.deepEqual(checkSecretReferences(configWithSecrets(), values), []);
});

interface SecretCase {
  name: string;
  values: Record<string, unknown>;
  key: string;
  message: RegExp;
}

const cases: SecretCase[] = [
  {
    name: "a missing key",
    values: { sshKey: SECURE, d2Password: SECURE },
    key: `${K}.vrrp[0].auth.password.secret`,
    message: /^names config key pulumi-lvs:vrrpPassword, which is not set; run: pulumi config set --secret pulumi-lvs:vrrpPassword$/,
  },
  {
    name: "a plain-text value",
    values: { vrrpPassword: SECURE, sshKey: "-----BEGIN OPENSSH PRIVATE KEY-----", d2Password: SECURE },
    key: `${K}.ssh.privateKey.secret`,
    message: /^pulumi-lvs:sshKey is stored in plain text; set it again with: pulumi config set --secret pulumi-lvs:sshKey$/,
  },
  {
    name: "a plain object that is not { secure }",
    values: { vrrpPassword: SECURE, sshKey: SECURE, d2Password: { value: "x" } },
    key: `${K}.hosts[1].ssh.password.secret`,
    message: /pulumi-lvs:d2Password is stored in plain text/,
  },
];

for (const c of cases) {
  test(`secrets: ${c.name} is an error at the reference`, () => {
    const issues = checkSecretReferences(configWithSecrets(), c.values);
    assert.equal(issues.length, 1, JSON.stringify(issues));
    assert.equal(issues[0].key, c.key);
    assert.equal(issues[0].severity, "error");
    assert.match(issues[0].message, c.message);
  });
}

test("secrets: every bad reference is reported at once", () => {
  const issues = checkSecretReferences(configWithSecrets(), { sshKey: "plain" });
  assert.deepEqual(issues.map((i) => i.key).sort(), [
    `${K}.hosts[1].ssh.password.secret`,
    `${K}.ssh.privateKey.secret`,
    `${K}.vrrp[0].auth.password.secret`,
  ]);
});

test("secrets: a config without references needs no values", () => {
  assert.deepEqual(checkSecretReferences(assertAccepted(mutated(() => undefined)).config!, {}), []);
});

test("secrets: isSecureValue accepts only { secure: string }", () => {
  assert.equal(isSecureValue(SECURE), true);
  for (const v of ["v1:AAAA", { secure: 1 }, { value: "x" }, null, undefined, ["secure"]]) assert.equal(isSecureValue(v), false, JSON.stringify(v));
});
