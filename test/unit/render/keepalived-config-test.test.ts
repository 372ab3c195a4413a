// Every director of every example, as the CLI renders it, passes the real `keepalived --config-test` (any non-zero
// exit or any stderr fails); negative controls prove the harness does reject broken configs.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { parseStackFile } from "../../../core/config/stack-file";
import { renderFromConfig } from "../../../core";
import { examples, renderWithCli } from "../../support/examples";
import { keepalivedConfigTest, keepalivedConfigTestOnTrixie, trixieKeepalived } from "../../support/keepalived-check";

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

test("the scripts example (track scripts, MISC_CHECK) is tested whole, script blocks included, on keepalived 2.2.7 and 2.3", async () => {
  const render = await renderWithCli(examples().find((e) => e.name === "scripts")!.file);
  for (const host of ["d1", "d2"]) {
    const files = render.filesOf(host);
    const conf = files.find((f) => f.path === CONF)!.content;
    assert.match(conf, /^vrrp_script chk_sshd \{$/m);
    assert.match(conf, /^ {4}track_script \{$/m);
    assert.match(conf, /^ {8}MISC_CHECK \{$/m);
    const verdict = keepalivedConfigTest(files);
    assert.ok(verdict.ok, `${host}: ${verdict.stderr}`);
    // Debian 13's keepalived as well, where its root can be built (a cached debootstrap of trixie).
    const trixie = trixieKeepalived();
    assert.ok(trixie.root, `no trixie keepalived: ${trixie.why}`);
    const onTrixie = keepalivedConfigTestOnTrixie(files, trixie.root);
    assert.ok(onTrixie.ok, `${host} on keepalived 2.3: ${onTrixie.stderr}`);
  }
});

/** d1 of the scripts example with one edit applied to its keepalived.conf. */
async function brokenScripts(edit: (content: string) => string) {
  const render = await renderWithCli(examples().find((e) => e.name === "scripts")!.file);
  return render.filesOf("d1").map((f) => {
    if (f.path !== CONF) return f;
    const after = edit(f.content);
    assert.notEqual(after, f.content, "the negative control must change the file");
    return { ...f, content: after };
  });
}

test("negative control: an unknown keyword inside a vrrp_script block is rejected (the block is tested, not stripped)", async () => {
  const verdict = keepalivedConfigTest(await brokenScripts((c) => c.replace(/(vrrp_script chk_sshd \{\n)/, "$1    no_such_script_keyword 1\n")));
  assert.equal(verdict.ok, false);
  assert.match(verdict.stderr, /no_such_script_keyword/);
});

test("negative control: a track_script naming no vrrp_script is rejected", async () => {
  const verdict = keepalivedConfigTest(await brokenScripts((c) => c.replace(/^( {8})chk_maintenance$/m, "$1chk_nowhere")));
  assert.equal(verdict.ok, false);
  assert.match(verdict.stderr, /track script chk_nowhere not found/);
});

test("negative control: an unknown keyword inside MISC_CHECK is rejected", async () => {
  const verdict = keepalivedConfigTest(await brokenScripts((c) => c.replace(/( {12}misc_timeout 3\n)/, "$1            misc_nonsense 1\n")));
  assert.equal(verdict.ok, false);
  assert.match(verdict.stderr, /misc_nonsense/);
});
