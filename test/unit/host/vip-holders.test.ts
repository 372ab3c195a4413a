// Who holds the VIPs: recorded `ip -o -4 addr show` batches per director in, holders out; a director that cannot be
// read (transport error, output cut short) counts as holding none and is logged, never failing the read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HostError } from "../../../host/errors";
import type { Transport } from "../../../host/transport";
import { readVipHolders, VipHolders, vipHolderScript } from "../../../host/vip-holders";
import { loadFixtures } from "./fixtures";

interface HoldersCase {
  vips: string[];
  /** Each director's batch output, or the error its transport fails with. */
  hosts: Record<string, string | { error: string }>;
  expected: VipHolders;
  logged?: string[];
}

for (const c of loadFixtures<HoldersCase>("vip-holders")) {
  test(`vip holders ${c.group}: ${c.name}`, async () => {
    const scripts: [string, string][] = [];
    const transportFor = async (host: string): Promise<Transport> => {
      const answer = c.data.hosts[host];
      if (typeof answer !== "string") throw new HostError(host, answer.error, true);
      return {
        host,
        async run(script) {
          scripts.push([host, script]);
          return { code: 0, stdout: answer, stderr: "" };
        },
        close() {},
      };
    };
    const logged: string[] = [];
    const holders = await readVipHolders(transportFor, Object.keys(c.data.hosts), c.data.vips, (l) => logged.push(l));
    assert.deepEqual(holders, c.data.expected, c.file);
    assert.deepEqual(logged, c.data.logged ?? [], c.file);
    // One batched, read-only script per reachable director, and none elsewhere (an `every` over no scripts proved nothing).
    const reachable = Object.keys(c.data.hosts).filter((h) => typeof c.data.hosts[h] === "string");
    assert.ok(reachable.length > 0, `${c.file}: no reachable director, so nothing would check the script`);
    assert.deepEqual(scripts.map(([h]) => h).sort(), reachable.sort(), "exactly one script per reachable director");
    for (const [h, script] of scripts) assert.equal(script, vipHolderScript, `${h} was sent another script`);
  });
}

test("vip holders: the script only lists addresses", () => {
  assert.match(vipHolderScript, /^\{ ip -o addr show scope global ; \} 2>\/dev\/null <\/dev\/null$/m);
  assert.equal(vipHolderScript.split("\n").filter((l) => l && !l.startsWith("echo")).length, 1);
});
