// The vocabulary example rendered: installed hook scripts (mode, owner, interpreter line first, managed line second),
// keepalived.conf lines, a sorry server set up as a real server, group VIPs carried and bound; keepalived's own
// config test of the files (scripts in place); the #2587 work-around strips the script lines; delete removes the scripts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { examples, renderWithCli } from "../../support/examples";
import { keepalivedConfigTest, keepalivedConfigTestOnTrixie, trixieKeepalived } from "../../support/keepalived-check";
import { withoutScripts } from "../../../core/render/script-free";
import { planTeardown } from "../../../host/teardown";
import { factsOf, stateOf } from "../host/states";
import { managedMarkers } from "../../../host/facts/managed-markers";

const CONF = "/etc/keepalived/keepalived.conf";
const MASTER = "/etc/keepalived/pulumi-lvs-notify-VI_VOCAB-master.sh";
const FAULT = "/etc/keepalived/pulumi-lvs-notify-VI_VOCAB-fault.sh";
const QUORUM_DOWN = "/etc/keepalived/pulumi-lvs-quorum-web-down.sh";
const render = () => renderWithCli(examples().find((e) => e.name === "vocabulary")!.file);

test("installed hook scripts: root:root 0755, the interpreter line first and the managed line second, the text as given", () => {
  const d1 = stateOf({ example: "vocabulary", host: "d1" });
  const scripts = d1.files.filter((f) => f.path.endsWith(".sh"));
  assert.deepEqual(scripts.map((f) => f.path), [FAULT, MASTER, QUORUM_DOWN]);
  for (const f of scripts) assert.deepEqual([f.mode, f.owner, f.group, f.secretKeys], ["0755", "root", "root", []], f.path);
  assert.equal(
    scripts.find((f) => f.path === MASTER)!.content,
    '#!/bin/sh\n# Managed by pulumi-lvs (cluster vocabulary, host d1). Manual changes are overwritten.\nlogger -t pulumi-lvs-notify "hook=master state=$1 group=$2"\n',
  );
  // A hook given as a command installs nothing: backup and quorumUp are command lines.
  assert.equal(scripts.some((f) => /backup|-up\.sh/.test(f.path)), false);
  // The managed-marker fact recognises our scripts (marker on line 2).
  assert.match(managedMarkers([MASTER]).command, /head -n 2/);
});

test("keepalived.conf: notify lines call installed scripts with their state, track_interface, the virtual_server_group, sorry server and flags", () => {
  const conf = stateOf({ example: "vocabulary", host: "d1" }).files.find((f) => f.path === CONF)!.content;
  for (const line of [
    `    notify_master "${MASTER} MASTER VI_VOCAB"`,
    `    notify_backup "/usr/bin/logger -t pulumi-lvs-notify 'hook=backup group=VI_VOCAB'"`,
    `    notify_fault "${FAULT} FAULT VI_VOCAB"`,
    "    track_interface {\n        eth1 weight 0\n    }",
    "virtual_server_group web {\n    10.77.0.150 80\n    10.77.0.151 80\n}\nvirtual_server group web {",
    `    quorum_down "${QUORUM_DOWN} DOWN web"`,
    "    alpha\n    omega\n    inhibit_on_failure\n    sorry_server 10.77.0.23 80\n",
    "        PING_CHECK {\n            connect_timeout 1\n",
    "        UDP_CHECK {\n            connect_port 514\n",
    "        DNS_CHECK {\n            type A\n            name lab.example.\n            connect_port 53\n",
    "        SMTP_CHECK {\n            helo_name lb.lab.example\n            connect_port 25\n",
    "        10.77.0.150/32 dev eth0\n        10.77.0.151/32 dev eth0\n",
  ])
    assert.ok(conf.includes(line), `missing from d1's keepalived.conf:\n${line}`);
  assert.equal(/notify_stop/.test(conf), false, "no stop hook is configured, so none is written");
});

test("the sorry server is set up as a real server (both VIPs on lvs0); the members bind the group VIP too", () => {
  for (const host of ["r1", "r2", "r3"]) {
    const state = stateOf({ example: "vocabulary", host });
    assert.deepEqual(state.addresses, [
      { interface: "lvs0", address: "10.77.0.150/32" },
      { interface: "lvs0", address: "10.77.0.151/32" },
    ], host);
  }
});

test("the vocabulary example passes keepalived --config-test whole (scripts in place) on 2.2.7 and 2.3", async () => {
  const r = await render();
  const trixie = trixieKeepalived();
  for (const host of ["d1", "d2"]) {
    const files = r.filesOf(host);
    const verdict = keepalivedConfigTest(files);
    assert.ok(verdict.ok, `${host}: ${verdict.stderr}`);
    assert.ok(trixie.root, `no trixie keepalived: ${trixie.why}`);
    const onTrixie = keepalivedConfigTestOnTrixie(files, trixie.root);
    assert.ok(onTrixie.ok, `${host} on keepalived 2.3: ${onTrixie.stderr}`);
  }
});

// keepalived 2.2.7's --config-test reads notify and quorum lines without looking at the script files (a missing or
// world-writable one passes), so their modes are proven where keepalived runs them: the lab's e2e
// (test/e2e/vocabulary.test.ts), with script security on, sees each installed script fire.

test("#2587 work-around: the host's scriptless copy drops every notify and quorum line and nothing else", () => {
  const conf = stateOf({ example: "vocabulary", host: "d1" }).files.find((f) => f.path === CONF)!.content;
  const scriptless = withoutScripts(conf);
  assert.equal(/notify_|quorum_up|quorum_down/.test(scriptless), false);
  const dropped = conf.split("\n").filter((l) => !scriptless.split("\n").includes(l));
  assert.deepEqual(dropped.map((l) => l.trim().split(" ")[0]), ["notify_master", "notify_backup", "notify_fault", "quorum_up", "quorum_down"]);
  const verdict = keepalivedConfigTest([{ path: CONF, content: scriptless }]);
  assert.ok(verdict.ok, verdict.stderr);
});

test("delete removes the installed scripts with the other files", () => {
  const d1 = stateOf({ example: "vocabulary", host: "d1" });
  const plan = planTeardown(d1, factsOf(d1, { base: "converged" }), { sysctls: {}, modules: [], foreignFiles: [], keepalivedActive: false, keepalivedEnabled: false, scriptUser: false });
  for (const p of [MASTER, FAULT, QUORUM_DOWN]) assert.ok(plan.commands.includes(`rm -f ${p}`), `${p} is not removed: ${plan.commands.join("; ")}`);
});
