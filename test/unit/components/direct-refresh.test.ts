// The direct driver refreshes as the engine does: what read() returns replaces the stored outputs, so a drifted host
// comes back with a changed hash and the next apply updates it (the engine's refresh-then-up), and a converged one
// stays as it was. The host here is a fake transport in the SSH pool whose every fact reads as empty (nothing there).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseStackFile } from "../../../core/config/stack-file";
import { requireValidCluster } from "../../../core/config/validate";
import { hostPlan, planCluster } from "../../../core/plan";
import { deploymentOf } from "../../../host/deploy";
import { refreshCluster } from "../../../components/direct";
import { hostConfigProvider, HostConfigOutputs } from "../../../components/host-config-provider";
import type { Transport } from "../../../host/transport";
import { root } from "../host/fixtures";

function emptyHost(host: string, scripts: string[]): Transport & { closed: boolean } {
  return {
    host,
    closed: false,
    async run(script) {
      scripts.push(script);
      const ids = [...script.matchAll(/^echo '@@pulumi-lvs:begin (\S+)'$/gm)].map((m) => m[1]);
      return { code: 0, stderr: "", stdout: ids.map((id) => `@@pulumi-lvs:begin ${id}\n\n@@pulumi-lvs:end\n`).join("") };
    },
    close() {},
  };
}

test("refreshCluster keeps what read() returns: a drifted host's outputs come back with a drifted hash, and the next diff is an update", async () => {
  const { config } = requireValidCluster(parseStackFile(fs.readFileSync(path.join(root, "examples/Pulumi.colocated.yaml"), "utf8")).cluster);
  const inputs = deploymentOf(hostPlan(planCluster(config), "d1").desired);
  const deployed: HostConfigOutputs = { ...inputs, baseline: { sysctls: {}, modules: [], foreignFiles: [], keepalivedActive: false, keepalivedEnabled: false, scriptUser: false }, lastChanges: [], drift: [] };
  const scripts: string[] = [];
  const g = globalThis as { __pulumiLvsSshPool?: Map<string, Promise<unknown>> };
  const key = `${inputs.target.user}@${inputs.target.address}:${inputs.target.port}`;
  (g.__pulumiLvsSshPool ??= new Map()).set(key, Promise.resolve(emptyHost("d1", scripts)));
  try {
    assert.deepEqual(await hostConfigProvider.diff("d1", deployed, inputs), { changes: false }, "before the refresh nothing is to do");
    const { state, drift } = await refreshCluster({ d1: deployed });
    assert.ok(scripts.length > 0, "the host was read");
    assert.ok(drift.d1.includes("write /etc/keepalived/keepalived.conf"), drift.d1.join("; "));
    assert.equal(state.d1.hash, `drifted:${deployed.hash}`, "the refreshed outputs are kept, not the ones before");
    assert.deepEqual(state.d1.drift, drift.d1);
    assert.deepEqual(state.d1.baseline, deployed.baseline);
    assert.deepEqual(await hostConfigProvider.diff("d1", state.d1, inputs), {}, "the next apply updates the drifted host");
  } finally {
    g.__pulumiLvsSshPool!.delete(key);
  }
});
