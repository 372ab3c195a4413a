// Every director of every example, as the CLI renders it, passes the real `keepalived --config-test` (any non-zero
// exit or any stderr fails); negative controls prove the harness does reject broken configs.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { parseStackFile } from "../../../core/config/stack-file";
import { renderFromConfig } from "../../../core";
import { examples, renderWithCli } from "../../support/examples";
import { keepalivedConfigTest } from "../../support/keepalived-check";

const CONF = "/etc/keepalived/keepalived.conf";

for (const example of examples()) {
  test(`keepalived -t accepts every director of the ${example.name} example`, async () => {
    const render = await renderWithCli(example.file);
    const directors = render.manifest.hosts.filter((h) => h.roles.includes("director"));
    assert.ok(directors.length > 0, `${example.name} has no director`);
    for (const director of directors) {
      const verdict = keepalivedConfigTest(render.filesOf(director.host));
      assert.ok(verdict.ok, `${example.name} ${director.host}: keepalived rejected the config (exit ${verdict.exitCode}):\n${verdict.stderr}`);
    }
  });
}

test("keepalived -t accepts the prod directors rendered with the real VRRP password (provision time)", () => {
  const prod = examples().find((e) => e.name === "prod")!;
  const stack = parseStackFile(fs.readFileSync(prod.file, "utf8"));
  const { hosts } = renderFromConfig(stack.cluster, { secrets: { vrrpPassword: "Xy7#kq2p" } });
  for (const director of hosts.filter((h) => h.roles.includes("director"))) {
    const auth = director.files.find((f) => f.secretKeys.includes("vrrpPassword"));
    // Quoted: keepalived reads an unquoted "#" as a comment, which silently cut this password to "Xy7".
    assert.match(auth?.content ?? "", /^auth_pass "Xy7#kq2p"$/m, `${director.host}: the password is not in the auth include`);
    const verdict = keepalivedConfigTest(director.files);
    assert.ok(verdict.ok, `prod ${director.host}: keepalived rejected the config (exit ${verdict.exitCode}):\n${verdict.stderr}`);
  }
});

/** d1 of the plain DR example with one edit applied to one of its files. */
async function brokenDr(edit: (content: string) => string, path = CONF) {
  const render = await renderWithCli(examples().find((e) => e.name === "dr")!.file);
  const files = render.filesOf("d1");
  const before = files.find((f) => f.path === path)!.content;
  const after = edit(before);
  assert.notEqual(after, before, "the negative control must change the file");
  return files.map((f) => (f.path === path ? { ...f, content: after } : f));
}

test("negative control: a bogus scheduler is rejected", async () => {
  const verdict = keepalivedConfigTest(await brokenDr((c) => c.replace("lvs_sched rr", "lvs_sched fastest")));
  assert.equal(verdict.ok, false);
  assert.match(verdict.stderr, /fastest|sched/i);
});

test("negative control: a missing closing brace is rejected", async () => {
  const verdict = keepalivedConfigTest(await brokenDr((c) => c.replace(/\n\}\n$/, "\n")));
  assert.equal(verdict.ok, false, `keepalived accepted an unbalanced config:\n${verdict.stderr}`);
});

test("negative control: an unknown keyword (a warning, exit status aside) is rejected", async () => {
  const verdict = keepalivedConfigTest(await brokenDr((c) => c.replace("    lvs_method DR\n", "    lvs_method DR\n    no_such_keyword 1\n")));
  assert.equal(verdict.ok, false);
  assert.match(verdict.stderr, /no_such_keyword/);
});

test("negative control: a broken auth include is rejected", async () => {
  const prod = examples().find((e) => e.name === "prod")!;
  const render = await renderWithCli(prod.file);
  const files = render.filesOf("d1").map((f) => (f.path.includes("pulumi-lvs-auth-") ? { ...f, content: f.content.replace("auth_type PASS", "auth_type NOPE") } : f));
  const verdict = keepalivedConfigTest(files);
  assert.equal(verdict.ok, false);
  assert.match(verdict.stderr, /authentication type/);
});
