// The files step's keepalived check, run for real: its commands execute under /bin/sh in private mount and network
// namespaces (tmpfs over /etc/keepalived, the config's interfaces) with this machine's keepalived 2.2.7.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { ensureFiles } from "../../../host/steps/files";
import { factsOf, stateOf } from "./states";
import type { HostState } from "../../../core/render/host-state";

function keepalivedOnly(state: HostState, edit: (conf: string) => string = (c) => c): HostState {
  return {
    ...state,
    files: state.files.filter((f) => f.path.startsWith("/etc/keepalived/")).map((f) => (f.path.endsWith("keepalived.conf") ? { ...f, content: edit(f.content) } : f)),
  };
}

function runStep(state: HostState): { code: number | null; stdout: string; stderr: string } {
  const { commands } = ensureFiles(state, factsOf(state, { base: "fresh" }));
  const script = [
    "mount -t tmpfs pulumi-lvs-test /etc/keepalived",
    "ip link add eth0 type veth peer name peer0 && ip link set eth0 up",
    "id -u keepalived_script >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin keepalived_script",
    "set -e",
    ...commands,
    "head -n 1 /etc/keepalived/keepalived.conf",
    "ls -a /etc/keepalived",
  ].join("\n");
  const r = spawnSync("unshare", ["--mount", "--net", "sh", "-c", script], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const withTrackScript = {
  config: {
    name: "chk",
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
    vrrp: [{ name: "VI_1", trackScripts: [{ name: "chk_alive", script: "/bin/true", weight: -60 }] }],
    services: [{ name: "web", vip: "10.77.0.100", port: 80, healthCheck: { type: "MISC", script: "/bin/true" }, realServers: [{ host: "r1" }] }],
  },
  host: "d1",
};

test("a config with scripts is accepted although keepalived 2.2.7 SIGTERMs its own config test (#2587)", () => {
  const r = runStep(keepalivedOnly(stateOf(withTrackScript)));
  assert.equal(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  assert.match(r.stdout, /Managed by pulumi-lvs/);
  assert.doesNotMatch(r.stdout, /pulumi-lvs-(new|check)/, "no staged or check file is left behind");
});

test("the fallback still rejects what is wrong outside the scripts", () => {
  const r = runStep(keepalivedOnly(stateOf(withTrackScript), (c) => c.replace("lvs_sched wlc", "lvs_sched nonsense")));
  assert.equal(r.code, 65, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  assert.match(r.stderr, /keepalived rejected the new config/);
  assert.match(r.stderr, /nonsense/);
});

test("a config without scripts is checked once and rejected on any warning", () => {
  const plain = { ...withTrackScript, config: { ...withTrackScript.config, vrrp: [{ name: "VI_1" }], services: [{ ...withTrackScript.config.services[0], healthCheck: { type: "TCP" } }] } };
  assert.equal(runStep(keepalivedOnly(stateOf(plain))).code, 0);
  const bad = runStep(keepalivedOnly(stateOf(plain), (c) => c.replace("lvs_sched wlc", "lvs_sched nonsense")));
  assert.equal(bad.code, 65);
  assert.match(bad.stderr, /Invalid lvs_scheduler 'nonsense'/);
});
