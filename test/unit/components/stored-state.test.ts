// Deployments made by the previous release keep working: the engine hands today's providers the outputs that release
// stored (test/fixtures/stored/, written by its own code). The same config means no change (no update, no replace);
// real servers' inputs are even byte-identical; an update from a stored director still drains what it removes. The
// one change: a director with fwmark rules and no `firewall` now has its backend detected, so its HostDiscovery gains
// that request (an update that only reads); detected as nftables, as on those hosts, its HostConfig is unchanged.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { requireValidCluster } from "../../../core/config/validate";
import { hostPlan, planCluster } from "../../../core/plan";
import { drainingState, membersOf } from "../../../core/plan/drain";
import { deploymentOf } from "../../../host/deploy";
import { hostConfigProvider, HostConfigOutputs, serializedHostConfigProvider } from "../../../components/host-config-provider";
import { hostDiscoveryProvider, HostDiscoveryOutputs, serializedHostDiscoveryProvider } from "../../../components/host-discovery-provider";
import { previousOf } from "../../../components/stored-state";
import { root } from "../host/fixtures";

interface Fixture {
  release: string;
  config: any;
  secrets: Record<string, string>;
  discovered: { macs: Record<string, string>; interfaces: Record<string, string> };
  stored: Record<string, HostConfigOutputs>;
  discovery: Record<string, HostDiscoveryOutputs>;
}

const dir = path.join(root, "test", "fixtures", "stored", "bc1efd2");
const fixtures = fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => ({ name: f, ...(JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as Fixture) }));

async function likeTheEngine<T>(serialized: unknown): Promise<T> {
  const text = (await pulumi.runtime.serializeFunction(() => serialized, { allowSecrets: true })).text;
  const requireFromString = require(require.resolve("require-from-string", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }));
  return requireFromString(text, path.join(root, "__provider.js")).handler();
}

/** The backend the new firewall request detects on a host that ran the release's nft table: nftables. */
const detected = (f: Fixture) => Object.fromEntries(planCluster(requireValidCluster(f.config).config).discovery.filter((r) => r.what === "firewall").map((r) => [r.host, "nftables"]));
const planOf = (f: Fixture) => planCluster(requireValidCluster(f.config).config, { secrets: f.secrets, discovered: { ...f.discovered, firewalls: detected(f) } });
/** Files whose render changed on purpose since the stored releases, with the way back to the release's text. */
const CHANGED_SINCE_RELEASE: Record<string, (text: string) => string> = {
  // Now ordered after nftables.service and netfilter-persistent, which flush tables when they load their own.
  "/etc/systemd/system/pulumi-lvs-fwmark.service": (t) =>
    t.replace(/^# nftables\.service .*\n# was loaded .*\nAfter=systemd-modules-load\.service netfilter-persistent\.service nftables\.service$/m, "After=systemd-modules-load.service"),
};
const releaseFiles = (files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).map(([p, t]) => [p, CHANGED_SINCE_RELEASE[p] ? CHANGED_SINCE_RELEASE[p](t) : t]));

const inputKeys = ({ baseline: _b, lastChanges: _l, drift: _d, ...inputs }: HostConfigOutputs) => inputs;

test("the fixtures cover directors, real servers, co-location with discovered MACs, secrets and discovery", () => {
  const hosts = fixtures.flatMap((f) => Object.values(f.stored));
  assert.ok(hosts.some((h) => h.state.roles.includes("director") && h.state.roles.includes("realServer")));
  assert.ok(hosts.some((h) => Object.keys(h.secretFiles).length > 0));
  assert.ok(fixtures.some((f) => Object.keys(f.discovery).length > 0));
  assert.ok(hosts.every((h) => h.state.keepalived === undefined), "stored before the keepalived model existed");
});

for (const f of fixtures) {
  test(`${f.name} (stored by ${f.release}): the same config is no change for every HostConfig and HostDiscovery`, async () => {
    const provider = await likeTheEngine<typeof hostConfigProvider>(serializedHostConfigProvider);
    const discovery = await likeTheEngine<typeof hostDiscoveryProvider>(serializedHostDiscoveryProvider);
    const plan = planOf(f);
    assert.deepEqual(plan.hosts.map((h) => h.host).sort(), Object.keys(f.stored).sort());
    for (const h of plan.hosts) {
      const stored = f.stored[h.host];
      const inputs = deploymentOf(h.desired);
      const changed = Object.keys(inputs.files).filter((p) => CHANGED_SINCE_RELEASE[p]);
      assert.equal(JSON.stringify(releaseFiles(inputs.files)), JSON.stringify(stored.files), `${h.host}: files byte-identical but for the deliberate changes`);
      if (changed.length > 0) {
        // The one update such a host gets: its changed files, nothing else.
        for (const p of changed) assert.notEqual(inputs.files[p], stored.files[p], `${h.host}: ${p} changed`);
        assert.deepEqual(await provider.diff!(`${h.host}@x`, stored, inputs), {}, `${h.host}: an update, shown file by file (changes left to the engine)`);
        continue;
      }
      assert.deepEqual(await provider.diff!(`${h.host}@x`, stored, inputs), { changes: false }, h.host);
      assert.equal(inputs.hash, stored.hash);
      if (!h.roles.includes("director")) assert.equal(JSON.stringify(inputs), JSON.stringify(inputKeys(stored)), `${h.host}: a real server's inputs are byte-identical`);
      else {
        const { keepalived: _k, discover: _d, ...rest } = inputs.state;
        const { discover: _od, ...old } = stored.state;
        assert.equal(JSON.stringify(rest), JSON.stringify(old), `${h.host}: a director's state gains only its keepalived model (and lists only pending discoveries)`);
      }
    }
    const first = planCluster(requireValidCluster(f.config).config);
    for (const [host, stored] of Object.entries(f.discovery)) {
      const inputs = { host, target: hostPlan(first, host).target, requests: hostPlan(first, host).discovery, providerVersion: stored.providerVersion };
      const older = inputs.requests.filter((r) => r.what !== "firewall");
      assert.equal(JSON.stringify(older), JSON.stringify(stored.requests), `${host}: the release's requests are unchanged`);
      const gained = older.length < inputs.requests.length;
      assert.deepEqual(await discovery.diff!(`${host}@x`, stored, inputs), gained ? { changes: true } : { changes: false }, `${host} discovery`);
    }
  });
}

test("a stored director's members, read back from the keepalived.conf the previous release rendered, are today's model's", () => {
  for (const f of fixtures) {
    const plan = planOf(f);
    for (const h of plan.hosts.filter((x) => x.roles.includes("director"))) assert.deepEqual(previousOf(f.stored[h.host]).members, membersOf(h.state.keepalived), `${f.name} ${h.host}`);
  }
});

test("an update from a stored director that removes a member drains it first", () => {
  const f = fixtures.find((x) => x.name === "dr.json")!;
  const config = structuredClone(f.config);
  config.services[0].realServers = config.services[0].realServers.filter((m: { host: string }) => m.host !== "r2");
  const next = hostPlan(planCluster(requireValidCluster(config).config, { discovered: f.discovered }), "d1").state;
  const draining = drainingState(next, previousOf(f.stored.d1).members);
  assert.ok(draining, "something drains");
  assert.match(draining.files.find((x) => x.path === "/etc/keepalived/keepalived.conf")!.content, /real_server 10\.77\.0\.22 80 \{\n {8}weight 0\n/);
});
