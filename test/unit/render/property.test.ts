// Properties over random valid clusters: the real `keepalived --config-test` accepts every director's config,
// rendering is deterministic, and every managed file opens with the "Managed by pulumi-lvs" header.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { validateCluster } from "../../../core/config/validate";
import { buildModel } from "../../../core/model/cluster";
import { renderCluster, HostState } from "../../../core/render/host-state";
import { MANAGED_MARKER } from "../../../core/render/paths";
import { keepalivedConfigTest } from "../../support/keepalived-check";
import { validClusterCandidate } from "../../support/cluster-arbitrary";

const seed = Number(process.env.PROPERTY_SEED ?? 20261123);
const numRuns = Number(process.env.PROPERTY_RUNS ?? 100);

/** Renders a generated cluster; the rare invalid one is skipped (the generator test bounds how rare). */
function render(raw: unknown): HostState[] {
  const result = validateCluster(raw);
  fc.pre(result.ok);
  return renderCluster(buildModel(result.config!));
}

test("the generator produces valid clusters (the property below is not vacuous)", () => {
  const samples = fc.sample(validClusterCandidate, { numRuns: 300, seed });
  const invalid = samples.map((raw) => ({ raw, result: validateCluster(raw) })).filter((s) => !s.result.ok);
  const first = invalid[0]?.result.issues.filter((i) => i.severity === "error").map((i) => `${i.key}: ${i.message}`).join("\n");
  console.log(`generator: ${samples.length - invalid.length}/${samples.length} generated clusters valid`);
  assert.ok(invalid.length <= samples.length * 0.05, `${invalid.length}/${samples.length} generated clusters are invalid; first:\n${first}`);
});

test("random valid clusters: the real keepalived --config-test accepts every director config", () => {
  let clusters = 0;
  let checked = 0;
  let withScripts = 0;
  let withIpv6 = 0;
  let withSyncGroup = 0;
  fc.assert(
    fc.property(validClusterCandidate, (raw) => {
      const result = validateCluster(raw);
      fc.pre(result.ok); // the generator test above bounds how often this can discard
      clusters++;
      for (const h of renderCluster(buildModel(result.config!))) {
        if (!h.roles.includes("director")) continue;
        const verdict = keepalivedConfigTest(h.files);
        checked++;
        const conf = h.files.find((f) => f.path === "/etc/keepalived/keepalived.conf")!.content;
        if (/^\s*(script|misc_path) /m.test(conf)) withScripts++;
        if (/^\s*fd77::[0-9a-f]+\/128 dev /m.test(conf)) withIpv6++;
        if (/^vrrp_sync_group /m.test(conf)) withSyncGroup++;
        assert.ok(verdict.ok, `keepalived rejected ${h.host}'s config (exit ${verdict.exitCode}):\n${verdict.stderr}\n${conf}`);
      }
    }),
    { numRuns, seed },
  );
  console.log(`property: ${clusters} valid clusters, ${checked} director configs accepted by keepalived --config-test (${withScripts} with scripts, tested whole)`);
  console.log(`property: ${withIpv6} with IPv6 VIPs, ${withSyncGroup} with a vrrp_sync_group`);
  assert.ok(withIpv6 >= checked * 0.25, `only ${withIpv6} of ${checked} configs carry IPv6 VIPs: the generator no longer exercises them`);
  assert.ok(withSyncGroup >= checked * 0.1, `only ${withSyncGroup} of ${checked} configs carry a sync group`);
  assert.ok(withScripts >= checked * 0.25, `only ${withScripts} of ${checked} configs carry scripts: the generator no longer exercises them`);
  assert.ok(clusters >= numRuns * 0.95, `only ${clusters} of ${numRuns} runs had a valid cluster`);
  assert.ok(checked >= clusters, "every cluster has at least one director");
});

test("rendering is deterministic: the same config gives the same files and hashes", () => {
  fc.assert(
    fc.property(validClusterCandidate, (raw) => {
      const a = render(raw);
      const b = render(structuredClone(raw));
      assert.deepEqual(
        b.map((h) => [h.host, h.hash]),
        a.map((h) => [h.host, h.hash]),
      );
      assert.deepEqual(b, a);
    }),
    { numRuns: 200, seed },
  );
});

test(`every managed file starts with the "${MANAGED_MARKER}" header line`, () => {
  fc.assert(
    fc.property(validClusterCandidate, (raw) => {
      for (const h of render(raw)) {
        for (const f of h.files) {
          const first = f.content.split("\n")[0];
          assert.match(first, /^[#!] Managed by pulumi-lvs \(cluster prop, host \S+\)\. Manual changes are overwritten\.$/, `${h.host}:${f.path} starts with ${JSON.stringify(first)}`);
        }
      }
    }),
    { numRuns: 200, seed },
  );
});
