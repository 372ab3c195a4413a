// Step decisions the fixtures left open (found by mutation testing, see test/mutation/run.sh), on states built in
// code: which addresses count for the VIP unit, which user is created, which file is validated, which includes are
// redirected to staged copies, the scripted-config check, sysctl value comparison, merge.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { HostState } from "../../../core";
import { withoutScripts } from "../../../core/render/script-free";
import { ensureFiles } from "../../../host/steps/files";
import { merge } from "../../../host/steps/step";
import { ensureSysctls } from "../../../host/steps/sysctls";
import { ensureUnits } from "../../../host/steps/units";
import { ensureUsers } from "../../../host/steps/users";
import { mutated } from "../config/fixture";
import { factsOf, stateOf } from "./states";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const CONF = "/etc/keepalived/keepalived.conf";

test("units: only lvs0 addresses decide the VIP unit's drift, and any one missing VIP is drift", () => {
  const r1 = stateOf({ example: "dr", host: "r1" });
  // An address on another interface is not the VIP unit's business: its absence is no drift.
  const withOther: HostState = { ...r1, addresses: [...r1.addresses, { interface: "eth0", address: "10.77.0.21/24" }] };
  assert.deepEqual(ensureUnits(withOther, factsOf(withOther, { base: "converged" })).commands, []);
  // Two VIPs on lvs0, one of them gone: restart.
  const two: HostState = { ...r1, addresses: [...r1.addresses, { interface: "lvs0", address: "10.77.0.101/32" }] };
  const facts = factsOf(two, { base: "converged", vipAddresses: [r1.addresses[0].address] });
  assert.deepEqual(ensureUnits(two, facts).changes, ["restart pulumi-lvs-vip.service (live state drifted)"]);
});

test("users: the script user is the one created, wherever it is listed", () => {
  const d1 = stateOf({ example: "dr", host: "d1" });
  const state: HostState = { ...d1, users: [{ name: "other", system: true } as never, ...d1.users] };
  assert.deepEqual(ensureUsers(state, factsOf(state, { base: "fresh" })).commands, ["useradd --system --no-create-home --shell /usr/sbin/nologin keepalived_script"]);
});

test("files: the staged check is keepalived.conf's content wherever it sits in the file list", () => {
  const d1 = stateOf({ example: "dr", host: "d1" });
  const reordered: HostState = { ...d1, files: [...d1.files].reverse() };
  const conf = d1.files.find((f) => f.path === CONF)!;
  const check = ensureFiles(reordered, factsOf(reordered, { base: "fresh" })).commands.find((c) => c.includes(".pulumi-lvs-check && printf"));
  assert.equal(check, `(umask 077 && rm -f ${CONF}.pulumi-lvs-check && printf '%s' ${b64(conf.content)} | base64 -d > ${CONF}.pulumi-lvs-check)`);
});

test("files: only changed files under /etc/keepalived/ are pointed at their staged copies in the check", () => {
  // keepalived.conf names a non-keepalived managed path (a MISC check reading the sysctl file): left as it is.
  const config = mutated((c) => (c.services[0].healthCheck = { type: "MISC", script: "/usr/bin/test -f /etc/sysctl.d/90-pulumi-lvs.conf" }));
  const d1 = stateOf({ config, host: "d1" });
  const conf = d1.files.find((f) => f.path === CONF)!;
  assert.match(conf.content, /\/etc\/sysctl\.d\/90-pulumi-lvs\.conf/);
  const commands = ensureFiles(d1, factsOf(d1, { base: "fresh" })).commands;
  assert.ok(commands.includes(`(umask 077 && rm -f ${CONF}.pulumi-lvs-check && printf '%s' ${b64(conf.content)} | base64 -d > ${CONF}.pulumi-lvs-check)`), commands.join("\n"));
});

test("files: a config with scripts is checked whole, and again without its scripts only after keepalived 2.2.7's exit 143", () => {
  const d1 = stateOf({ example: "scripts", host: "d1" });
  const conf = d1.files.find((f) => f.path === CONF)!;
  assert.notEqual(withoutScripts(conf.content), conf.content, "the scripts example has script blocks");
  const commands = ensureFiles(d1, factsOf(d1, { base: "fresh" })).commands;
  const check = `${CONF}.pulumi-lvs-check`;
  const staged = d1.files.map((f) => `${f.path}.pulumi-lvs-new`).join(" ");
  const at = commands.indexOf(`rc=0; keepalived --config-test -f ${check} || rc=$?`);
  assert.ok(at > 0, commands.join("\n"));
  assert.deepEqual(commands.slice(at - 1, at + 4), [
    `(umask 077 && rm -f ${check} && printf '%s' ${b64(conf.content)} | base64 -d > ${check})`,
    `rc=0; keepalived --config-test -f ${check} || rc=$?`,
    `if [ "$rc" -eq 143 ]; then (umask 077 && rm -f ${check}.noscripts && printf '%s' ${b64(withoutScripts(conf.content))} | base64 -d > ${check}.noscripts); rc=0; keepalived --config-test -f ${check}.noscripts || rc=$?; rm -f ${check}.noscripts; fi`,
    `[ "$rc" -eq 0 ] || { rm -f ${staged} ${check} ${check}.noscripts; echo "keepalived rejected the new config (exit $rc); the previous config stays in place" >&2; exit 65; }`,
    `rm -f ${check}`,
  ]);
});

test("files: every undiscovered value is named in the refusal", () => {
  const d1 = stateOf({ example: "dr", host: "d1" });
  const [first, second] = d1.files;
  const state: HostState = { ...d1, files: [{ ...first, pending: ["mac:d2"] }, { ...second, pending: ["interface:r1"] }, ...d1.files.slice(2)] };
  assert.throws(() => ensureFiles(state, factsOf(state, { base: "fresh" })), {
    message: `cannot write files with undiscovered values (${first.path}: mac:d2, ${second.path}: interface:r1)`,
  });
});

test("sysctls: values compare after trimming and collapsing whitespace, not after removing it", () => {
  const d1 = stateOf({ example: "dr", host: "d1" });
  const key = "net.ipv4.vs.expire_nodest_conn";
  assert.ok(key in d1.sysctls);
  const sysctls = (value: string) => factsOf(d1, { base: "converged", sysctls: { ...d1.sysctls, [key]: value } });
  assert.deepEqual(ensureSysctls(d1, sysctls(`${d1.sysctls[key]}\n`)).commands, [], "a trailing newline is the same value");
  assert.deepEqual(ensureSysctls(d1, sysctls(` ${d1.sysctls[key]}`)).commands, [], "a leading space is the same value");
  const ranged: HostState = { ...d1, sysctls: { ...d1.sysctls, "net.ipv4.ip_local_port_range": "1024 65000" } };
  const regrouped = factsOf(ranged, { base: "converged", sysctls: { ...ranged.sysctls, "net.ipv4.ip_local_port_range": "10246 5000" } });
  assert.deepEqual(ensureSysctls(ranged, regrouped).changes, ["set net.ipv4.ip_local_port_range=1024 65000 (was 10246 5000)"]);
});

test("merge: commands and changes of several results, in order", () => {
  assert.deepEqual(merge({ commands: ["a"], changes: ["x"] }, { commands: [], changes: [] }, { commands: ["b", "c"], changes: ["y"] }), { commands: ["a", "b", "c"], changes: ["x", "y"] });
});
