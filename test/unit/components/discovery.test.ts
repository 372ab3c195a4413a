// Discovery in the Pulumi layer, with strict mocks: a co-located cluster without MACs or interfaces gets one
// HostDiscovery per host, the HostConfigs are rendered from its outputs and registered as depending on it, and a
// preview (outputs unknown) neither crashes nor claims the files are known.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterInput } from "../../../components/cluster-input";
import { parseStackFile } from "../../../core/config/stack-file";
import type { DiscoveryRequest } from "../../../core/plan/discovery";
import { root } from "../host/fixtures";
import { FAKE_PRIVATE_KEY, onRegister, plainStrings } from "./registrations";

const DISCOVERY = "pulumi-nodejs:dynamic/pulumi-lvs:HostDiscovery";
const HOST_CONFIG = "pulumi-nodejs:dynamic/pulumi-lvs:HostConfig";
const ALLOWED = new Set(["pulumi-lvs:index:LvsCluster", "pulumi-lvs:index:Director", "pulumi-lvs:index:RealServer", "pulumi-lvs:index:Vip", HOST_CONFIG, DISCOVERY, "pulumi-nodejs:dynamic/pulumi-lvs:HostPrepare"]);
const FAKE_MAC: Record<string, string> = { d1: "02:00:00:aa:00:11", d2: "02:00:00:aa:00:12" };

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  dependencies: string[];
}

/** Strict mocks; the monitor is wrapped to record each registration's dependencies (the mocks API omits them). */
function mock(preview: boolean): Registered[] {
  const registered: Registered[] = [];
  const pending = new Map<string, Registered>();
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (!ALLOWED.has(args.type)) throw new Error(`unexpected resource type ${args.type}`);
        const entry = pending.get(`${args.type}::${args.name}`)!;
        entry.inputs = args.inputs;
        registered.push(entry);
        if (args.type !== DISCOVERY || preview) return { id: `${args.name}-id`, state: args.inputs };
        const macs: Record<string, string> = {};
        const interfaces: Record<string, string> = {};
        for (const r of args.inputs.requests as DiscoveryRequest[]) {
          if (r.what === "mac") macs[r.host] = FAKE_MAC[r.host];
          else interfaces[r.host] = "ens3";
        }
        return { id: `${args.name}-id`, state: { ...args.inputs, macs, interfaces } };
      },
      call(args) {
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    "pulumi-lvs",
    "test",
    preview,
  );
  onRegister((r) => pending.set(`${r.type}::${r.name}`, { type: r.type, name: r.name, inputs: {}, dependencies: r.dependencies }));
  return registered;
}

/** The co-located example with the MACs and serving interfaces left for discovery. */
function colocatedWithoutMacs(): any {
  const c = structuredClone(parseStackFile(fs.readFileSync(path.join(root, "examples/Pulumi.colocated.yaml"), "utf8")).cluster) as any;
  for (const d of c.directors) delete d.mac;
  delete c.realServers;
  c.ssh = { ...(c.ssh ?? {}), privateKey: { secret: "sshKey" } };
  return c;
}

/** The key text is at hand (as a secret value), so a leak into any input would show. */
const secrets = { sshKey: pulumi.secret(FAKE_PRIVATE_KEY) };

const settled = async () => new Promise((r) => setTimeout(r, 200));

test("co-located without MACs: one HostDiscovery per host; the host configs hold the discovered values and depend on it", async () => {
  const registered = mock(false);
  const { LvsCluster } = await import("../../../components/cluster");
  const lvs = new LvsCluster("duo", { config: colocatedWithoutMacs(), secrets, liveOrder: false });
  await new Promise((r) => lvs.configHashes.apply(r));
  await settled();

  const discoveries = registered.filter((r) => r.type === DISCOVERY);
  assert.deepEqual(discoveries.map((d) => d.name).sort(), ["duo-d1-discovery", "duo-d2-discovery"]);
  assert.equal(lvs.discoveries.length, 2);
  const d2 = discoveries.find((d) => d.name === "duo-d2-discovery")!;
  const requests = d2.inputs.requests as DiscoveryRequest[];
  assert.deepEqual(
    requests.map((r) => [r.id, r.from, r.configKey]),
    [
      ["mac:d2", "eth0", "pulumi-lvs:cluster.directors[1].mac"],
      ["interface:d2", "10.77.0.11", "pulumi-lvs:cluster.realServers (add { host: d2, interface: … })"],
    ],
  );
  assert.equal((d2.inputs.target as { address: string }).address, "10.77.0.12");
  assert.equal((d2.inputs.target as { privateKeySecret?: string }).privateKeySecret, "sshKey", "the target names the key, never holds it");
  for (const r of registered) assert.equal(JSON.stringify(r.inputs).includes("PRIVATE KEY"), false, `${r.name} holds the private key`);
  assert.ok(registered.every((r) => !plainStrings(r.inputs).some((s) => s.includes("PRIVATE KEY"))));

  const d1Config = registered.find((r) => r.type === HOST_CONFIG && r.name === "duo-d1-config")!;
  const files = d1Config.inputs.files as Record<string, string>;
  assert.match(files["/etc/pulumi-lvs/fwmark.nft"], /ether saddr != 02:00:00:aa:00:12 meta mark set/);
  assert.doesNotMatch(files["/etc/pulumi-lvs/fwmark.nft"], /<discover/);
  assert.match(files["/etc/sysctl.d/90-pulumi-lvs.conf"], /net\.ipv4\.conf\.ens3\.arp_ignore = 1/);
  const state = d1Config.inputs.state as { files: { path: string; pending: string[] }[] };
  assert.deepEqual(state.files.flatMap((f) => f.pending), []);
  for (const d of discoveries) {
    const urn = d.name;
    assert.ok(d1Config.dependencies.some((u) => u.endsWith(`::${urn}`)), `duo-d1-config depends on ${urn}: ${d1Config.dependencies.join(", ")}`);
  }
});

test("a config with every MAC and interface set creates no HostDiscovery", async () => {
  const registered = mock(false);
  const { LvsCluster } = await import("../../../components/cluster");
  const c = parseStackFile(fs.readFileSync(path.join(root, "examples/Pulumi.colocated.yaml"), "utf8")).cluster;
  const lvs = new LvsCluster("set", { config: c as ClusterInput, liveOrder: false });
  await new Promise((r) => lvs.configHashes.apply(r));
  await settled();
  assert.equal(registered.filter((r) => r.type === DISCOVERY).length, 0);
  assert.equal(registered.filter((r) => r.type === HOST_CONFIG).length, 2);
});

test("preview: discovery outputs unknown → no crash, and the dependent files and hashes are unknown", async () => {
  const registered = mock(true);
  const { LvsCluster } = await import("../../../components/cluster");
  const lvs = new LvsCluster("pre", { config: colocatedWithoutMacs(), liveOrder: false });
  await settled();
  const configs = registered.filter((r) => r.type === HOST_CONFIG);
  assert.equal(configs.length, 2);
  for (const c of configs) {
    assert.ok(pulumi.isUnknown(c.inputs.files), `${c.name}: files must be unknown during preview, got ${JSON.stringify(c.inputs.files)?.slice(0, 80)}`);
    assert.ok(pulumi.isUnknown(c.inputs.hash), `${c.name}: hash must be unknown during preview`);
    assert.equal(typeof (c.inputs.target as { address?: string } | undefined)?.address, "string", "the SSH target does not wait for discovery");
  }
  assert.equal(await (lvs.configHashes as unknown as { isKnown: Promise<boolean> }).isKnown, false);
  assert.deepEqual(await new Promise((r) => lvs.vipAddresses.apply(r)), ["10.77.0.100"]);
});
