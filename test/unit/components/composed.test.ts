// The library's two typed forms under strict mocks: a cluster value with host addresses, host keys and weights wired
// from another resource's outputs, and the composable form (ComposedCluster + Director, RealServer, Vip declared on
// their own). Each must register HostConfigs whose inputs equal, host by host, those LvsCluster registers for the
// equivalent stack config; and bad input fails by the config key.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterInput } from "../../../components/cluster-input";
import { parseStackFile } from "../../../core/config/stack-file";
import { repoRoot } from "../../support/repo-root";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}
const registered: Registered[] = [];
const ADDRESSES: Record<string, string> = { d1: "10.77.0.11", d2: "10.77.0.12", r1: "10.77.0.21", r2: "10.77.0.22", r3: "10.77.0.23" };

before(() => {
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        // A stand-in for a VM resource of another provider: its address is known only as an output.
        if (args.type === "test:index:Vm") return { id: `${args.name}-id`, state: { ip: ADDRESSES[args.inputs.host] } };
        if (args.type.endsWith(":HostDiscovery")) return { id: `${args.name}-id`, state: { ...args.inputs, macs: {}, interfaces: { [args.inputs.host]: "eth0" } } };
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args) {
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    "pulumi-lvs",
    "test",
    false,
  );
});

class Vm extends pulumi.CustomResource {
  declare readonly ip: pulumi.Output<string>;
  constructor(name: string) {
    super("test:index:Vm", name, { host: name, ip: undefined });
  }
}

const example = (file: string): ClusterInput => parseStackFile(fs.readFileSync(path.join(repoRoot(), "examples", file), "utf8")).cluster as ClusterInput;
const settle = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply((v) => resolve(v)));
const idle = () => new Promise((r) => setTimeout(r, 100));

/** The HostConfig inputs registered with a name `prefix` + host + `-config`, by host. */
function hostConfigs(prefix: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const named = new RegExp(`^${prefix}[a-z0-9]+-config$`);
  for (const r of registered.filter((x) => x.type === "pulumi-nodejs:dynamic/pulumi-lvs:HostConfig" && named.test(x.name))) {
    const { __provider, ...inputs } = r.inputs;
    out.set(r.inputs.host, inputs);
  }
  return out;
}

function assertSameHosts(actual: Map<string, Record<string, unknown>>, expected: Map<string, Record<string, unknown>>) {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  assert.ok(expected.size > 0);
  for (const [host, inputs] of expected) assert.deepEqual(actual.get(host), inputs, `${host}'s HostConfig inputs differ`);
}

test("a cluster value whose host addresses and a weight come from other resources renders what the stack config does", async () => {
  const { LvsCluster } = await import("../../../components/cluster");
  const stack = new LvsCluster("stack", { config: example("Pulumi.dr.yaml"), liveOrder: false });
  await settle(stack.configHashes);

  const wired = example("Pulumi.dr.yaml");
  const vms = new Map(wired.hosts.map((h) => [h.name, new Vm(h.name)]));
  wired.hosts = wired.hosts.map((h) => ({ ...h, address: vms.get(h.name)!.ip }));
  wired.services[0].realServers[0].weight = pulumi.output(1);
  const lib = new LvsCluster("wired", { config: wired, liveOrder: false });
  assert.deepEqual(lib.directorHosts, ["d1", "d2"], "names and roles are known before the addresses resolve");
  assert.deepEqual(await settle(lib.configHashes), await settle(stack.configHashes));
  await idle();
  assertSameHosts(hostConfigs("wired-"), hostConfigs("stack-"));
  const discoveries = registered.filter((r) => r.type.endsWith(":HostDiscovery") && r.name.startsWith("wired-")).map((r) => r.name);
  assert.deepEqual(discoveries.sort(), ["wired-r1-discovery", "wired-r2-discovery", "wired-r3-discovery"]);
  const request = registered.find((r) => r.name === "wired-r1-discovery")!.inputs.requests[0];
  assert.equal(request.from, "10.77.0.11", "the discovery asks toward the resolved director address, not a placeholder");
});

test("a host key and an SSH address from Outputs reach the host's SSH target resolved, never as a placeholder", async () => {
  const { LvsCluster } = await import("../../../components/cluster");
  const keyed = example("Pulumi.dr.yaml");
  const fingerprint = "SHA256:" + "k".repeat(43);
  keyed.hosts[0] = { ...keyed.hosts[0], hostKey: pulumi.output(fingerprint), sshAddress: pulumi.output("d1.example.net") };
  const lvs = new LvsCluster("keyed", { config: keyed, liveOrder: false });
  await settle(lvs.configHashes);
  await idle();
  const target = hostConfigs("keyed-").get("d1")!.target as { fingerprints: string[]; address: string };
  assert.deepEqual(target.fingerprints, [fingerprint]);
  assert.equal(target.address, "d1.example.net");
});

test("the composable form: Director, RealServer and Vip declared on their own render the stack config's hosts", async () => {
  const { LvsCluster } = await import("../../../components/cluster");
  const { ComposedCluster } = await import("../../../components/composed-cluster");
  const { Director } = await import("../../../components/director");
  const { RealServer } = await import("../../../components/real-server");
  const { Vip } = await import("../../../components/vip");
  const source = example("Pulumi.prod.yaml");
  const secrets = { vrrpPassword: pulumi.secret("s3cret") };
  const stack = new LvsCluster("ref", { config: source, secrets, liveOrder: false });
  await settle(stack.configHashes);

  const { hosts, directors, realServers, services, ...settings } = source;
  const cluster = new ComposedCluster("web", { ...settings, secrets, liveOrder: false });
  const hostOf = (name: string) => {
    const h = hosts.find((x) => x.name === name)!;
    return { ...h, address: new Vm(`vm-${name}`).ip.apply(() => h.address as string) };
  };
  const roles = new Map<string, InstanceType<typeof Director> | InstanceType<typeof RealServer>>();
  for (const h of hosts) {
    const d = directors.find((x) => x.host === h.name);
    const r = (realServers ?? []).find((x) => x.host === h.name);
    if (d) {
      const { host: _h, ...director } = d;
      roles.set(h.name, new Director(h.name, { cluster, host: hostOf(h.name), ...director }));
    } else {
      const { host: _h, ...serving } = r ?? { host: h.name };
      roles.set(h.name, new RealServer(h.name, { cluster, host: hostOf(h.name), ...serving }));
    }
  }
  const vips = services.map(({ name, vip, realServers: members, ...rest }) =>
    new Vip(name, {
      cluster,
      address: vip,
      ...rest,
      directors: directors.map((d) => roles.get(d.host) as InstanceType<typeof Director>),
      members: members.map((m) => ({ server: roles.get(m.host)!, port: m.port, weight: m.weight })),
    }),
  );
  const sealed = cluster.seal();
  assert.deepEqual(await settle(sealed.configHashes), await settle(stack.configHashes));
  assert.equal(await settle(vips[0].address), services[0].vip);
  assert.equal(await settle(vips[0].expectedMaster), "d1", "the highest priority holds the VIP when all are healthy");
  assert.equal(await settle(roles.get("d1")!.configHash), (await settle(stack.configHashes)).d1);
  await idle();
  assertSameHosts(hostConfigs(""), hostConfigs("ref-"));
  // Control: the comparison tells two different clusters apart (the DR example's hosts against the prod example's).
  assert.throws(() => assertSameHosts(hostConfigs("stack-"), hostConfigs("ref-")), /HostConfig inputs differ/);
  // The HostConfigs are the declared components' children: d1's is web's d1-config, not a cluster-made name.
  assert.ok(registered.some((r) => r.name === "d1-config"));
  assert.ok(registered.some((r) => r.name === "r1-config"));
});

test("bad input: an Output where a name must be plain, a misspelled key, a Vip missing a director, a late declaration", async () => {
  const { LvsCluster } = await import("../../../components/cluster");
  const { ComposedCluster } = await import("../../../components/composed-cluster");
  const { Director } = await import("../../../components/director");
  const { RealServer } = await import("../../../components/real-server");
  const { Vip } = await import("../../../components/vip");

  const priority = example("Pulumi.dr.yaml") as any;
  priority.directors[0].priority = pulumi.output(150);
  assert.throws(() => new LvsCluster("p", { config: priority, liveOrder: false }), /^Error: pulumi-lvs:cluster\.directors\[0\]\.priority: must be a plain value, not an Output/);

  // The same errors by key as the stack config, with Outputs at wired leaves: the plain fields are checked at once.
  const typo = example("Pulumi.dr.yaml") as any;
  typo.hosts[2].address = pulumi.output("10.77.0.21");
  typo.services[0].schedular = "rr";
  assert.throws(() => new LvsCluster("t", { config: typo, liveOrder: false }), /pulumi-lvs:cluster\.services\[0\]\.schedular: is not a known setting/);
  // Control: the same value without the typo declares.
  delete typo.services[0].schedular;
  assert.doesNotThrow(() => new LvsCluster("t2", { config: typo, liveOrder: false }));

  const cluster = new ComposedCluster("half", { name: "half", subnet: "10.77.0.0/24", vrrp: [{ name: "VI_H" }], liveOrder: false });
  const d1 = new Director("h-d1", { cluster, host: { name: "d1", address: "10.77.0.11" }, priority: 150 });
  new Director("h-d2", { cluster, host: { name: "d2", address: "10.77.0.12" }, priority: 100 });
  const r1 = new RealServer("h-r1", { cluster, host: { name: "r1", address: "10.77.0.21" } });
  new Vip("h-http", { cluster, address: "10.77.0.100", port: 80, directors: [d1], members: [{ server: r1 }] });
  assert.throws(() => cluster.seal(), /Vip h-http must name every director of cluster half .*missing d2/);

  const late = new ComposedCluster("late", { name: "late", subnet: "10.77.0.0/24", vrrp: [{ name: "VI_L" }], liveOrder: false });
  const ld = new Director("l-d1", { cluster: late, host: { name: "d1", address: "10.77.0.11" }, priority: 150 });
  const lr = new RealServer("l-r1", { cluster: late, host: { name: "r1", address: "10.77.0.21" } });
  new Vip("l-http", { cluster: late, address: "10.77.0.100", port: 80, directors: [ld], members: [{ server: lr }] });
  late.seal();
  assert.throws(() => new RealServer("l-r2", { cluster: late, host: { name: "r2", address: "10.77.0.22" } }), /RealServer r2 is declared after cluster late's seal\(\)/);
});
