// Warnings carry severity "warning", are returned alongside a valid config, and never make validation fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { requireValidCluster, validateCluster } from "../../../core/config/validate";
import { ConfigError, formatIssue } from "../../../core/config/issues";
import { listing, mutated } from "./fixture";

const K = "pulumi-lvs:cluster";

const cases: { name: string; mutate: (c: any) => unknown; key: string; message: RegExp }[] = [
  {
    name: "a single director has no failover",
    mutate: (c) => c.directors.pop(),
    key: `${K}.directors`,
    message: /one director: there is no failover; add a second director/,
  },
  {
    name: "VRRP PASS authentication is obsolete",
    mutate: (c) => (c.vrrp[0].auth = { password: { secret: "vrrpPassword" } }),
    key: `${K}.vrrp[0].auth`,
    message: /obsolete and sent in clear text/,
  },
  {
    name: "unicast peers ignored by a multicast group",
    mutate: (c) => ((c.vrrp[0].unicast = false), (c.directors[0].unicastPeers = ["10.77.0.12"])),
    key: `${K}.vrrp[0].unicast`,
    message: /unicastPeers are ignored for this group/,
  },
  {
    name: "real-server options for a host that serves nothing",
    mutate: (c) => c.hosts.push({ name: "r3", address: "10.77.0.23" }) && (c.realServers = [{ host: "r3" }]),
    key: `${K}.realServers[0].host`,
    message: /"r3" is not a member of any service/,
  },
];

for (const c of cases) {
  test(`warning: ${c.name}`, () => {
    const raw = mutated(c.mutate);
    const result = validateCluster(raw);
    assert.equal(result.ok, true, listing(result));
    assert.ok(result.config);
    const hit = result.issues.find((i) => i.key === c.key);
    assert.ok(hit, `expected a warning at ${c.key}:\n${listing(result)}`);
    assert.equal(hit.severity, "warning");
    assert.match(hit.message, c.message);
    assert.ok(result.issues.every((i) => i.severity === "warning"), listing(result));
    // requireValidCluster hands warnings back instead of throwing.
    const { warnings } = requireValidCluster(raw);
    assert.ok(warnings.some((w) => w.key === c.key && w.severity === "warning"));
    assert.match(formatIssue(hit), new RegExp(`^warning: ${c.key.replace(/[.[\]]/g, "\\$&")}: `));
  });
}

test("warning: the base cluster has none (the cases above are not noise)", () => {
  assert.deepEqual(validateCluster(mutated(() => undefined)).issues, []);
});

test("warning: warnings next to errors are kept but not counted as errors", () => {
  const raw = mutated((c) => {
    c.directors.pop();
    c.vrrp[0].strict = true;
  });
  const result = validateCluster(raw);
  assert.equal(result.ok, false);
  assert.deepEqual(result.issues.map((i) => [i.key, i.severity]).sort(), [
    [`${K}.directors`, "warning"],
    [`${K}.vrrp[0].strict`, "error"],
  ]);
  assert.throws(
    () => requireValidCluster(raw),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /\(1 error\):\n/);
      assert.doesNotMatch(e.message, /no failover/);
      assert.equal(e.issues.length, 2);
      return true;
    },
  );
});
