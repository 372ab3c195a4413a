// Discovery of the values the config leaves out: requests from the render, recorded host output → values or an
// error naming the config key, and one batched round trip per host through a (fake) transport.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseStackFile } from "../../../core/config/stack-file";
import { requireValidCluster } from "../../../core/config/validate";
import { buildModel } from "../../../core/model/cluster";
import { renderCluster } from "../../../core/render/host-state";
import type { Discovered } from "../../../core/model/discovery";
import { discoveryRequests, DiscoveryRequest } from "../../../core/plan/discovery";
import { discoverValues, discoveryScript, parseDiscovery } from "../../../host/discovery";
import { HostError } from "../../../host/errors";
import type { Transport } from "../../../host/transport";
import { loadFixtures, root } from "./fixtures";

interface DiscoveryCase {
  requests: DiscoveryRequest[];
  stdout: string;
  expected?: Discovered;
  /** A regular expression the error message must match. */
  error?: string;
}

for (const c of loadFixtures<DiscoveryCase>("discovery")) {
  test(`discovery ${c.group}: ${c.name}`, () => {
    const run = () => parseDiscovery(c.data.requests, c.data.stdout);
    if (c.data.error) assert.throws(run, (e: Error) => e instanceof HostError && new RegExp(c.data.error!).test(e.message), c.file);
    else assert.deepEqual(run(), c.data.expected, c.file);
  });
}

function requestsFor(file: string, mutate: (c: any) => void = () => undefined): DiscoveryRequest[] {
  const raw = structuredClone(parseStackFile(fs.readFileSync(path.join(root, "examples", file), "utf8")).cluster) as any;
  mutate(raw);
  const { config } = requireValidCluster(raw);
  const model = buildModel(config);
  return discoveryRequests(config, model, renderCluster(model).flatMap((h) => h.discover));
}

test("requests: DR real servers without an interface ask for the route to the first director", () => {
  const rs = requestsFor("Pulumi.dr.yaml");
  assert.deepEqual(rs.map((r) => [r.id, r.host, r.from]), [
    ["interface:r1", "r1", "10.77.0.11"],
    ["interface:r2", "r2", "10.77.0.11"],
    ["interface:r3", "r3", "10.77.0.11"],
  ]);
  assert.equal(rs[0].configKey, "pulumi-lvs:cluster.realServers (add { host: r1, interface: … })");
});

test("requests: co-located directors without MACs; each asks once, a listed real server names its own key", () => {
  const rs = requestsFor("Pulumi.colocated.yaml", (c) => {
    for (const d of c.directors) delete d.mac;
    delete c.realServers[1].interface;
  });
  assert.deepEqual(rs.map((r) => [r.id, r.from, r.configKey]), [
    ["mac:d2", "eth0", "pulumi-lvs:cluster.directors[1].mac"],
    ["mac:d1", "eth0", "pulumi-lvs:cluster.directors[0].mac"],
    // A co-located host routes its own address via lo: it asks for the route to the other director.
    ["interface:d2", "10.77.0.11", "pulumi-lvs:cluster.realServers[1].interface"],
  ]);
  assert.deepEqual(requestsFor("Pulumi.colocated.yaml"), [], "everything set: nothing to discover");
});

test("requests: a lone co-located director serves on its own VRRP interface, known without asking", () => {
  const rs = requestsFor("Pulumi.colocated.yaml", (c) => {
    c.directors = [c.directors[0]];
    c.services[0].realServers = [{ host: "d1" }, { host: "d2" }];
    delete c.realServers;
  });
  assert.deepEqual(rs.find((r) => r.id === "interface:d1")?.known, "eth0");
  assert.equal(discoveryScript(rs.filter((r) => r.host === "d1")), "\n", "no command for a known value");
});

/** Answers a discovery script from recorded sections, as the host would; counts round trips. */
function fakeHost(host: string, sections: Record<string, string>, calls: string[]): Transport {
  return {
    host,
    async run(script) {
      calls.push(host);
      const ids = [...script.matchAll(/^echo '@@pulumi-lvs:begin (\S+)'$/gm)].map((m) => m[1]);
      return { code: 0, stderr: "", stdout: ids.map((id) => `@@pulumi-lvs:begin ${id}\n${sections[id] ?? ""}\n@@pulumi-lvs:end\n`).join("") };
    },
    close() {},
  };
}

test("discoverValues: one round trip per host, answers merged", async () => {
  const calls: string[] = [];
  const hosts: Record<string, Transport> = {
    d1: fakeHost("d1", { "mac-eth0": "52:54:00:77:00:11\n", "route-10.77.0.12": "10.77.0.12 dev eth0 src 10.77.0.11 uid 0 \n" }, calls),
    d2: fakeHost("d2", { "mac-eth0": "52:54:00:77:00:12\n", "route-10.77.0.11": "10.77.0.11 dev eth0 src 10.77.0.12 uid 0 \n" }, calls),
  };
  const rs = requestsFor("Pulumi.colocated.yaml", (c) => {
    for (const d of c.directors) delete d.mac;
    delete c.realServers;
  });
  const found = await discoverValues(async (h) => hosts[h], rs);
  assert.deepEqual(found, { macs: { d1: "52:54:00:77:00:11", d2: "52:54:00:77:00:12" }, interfaces: { d1: "eth0", d2: "eth0" } });
  assert.deepEqual(calls.sort(), ["d1", "d2"]);
});

test("discoverValues: an unreachable host fails naming the host and the keys to set by hand", async () => {
  const rs = requestsFor("Pulumi.colocated.yaml", (c) => {
    for (const d of c.directors) delete d.mac;
  });
  await assert.rejects(
    discoverValues(async (h) => {
      throw new HostError(h, "cannot connect to 10.77.0.12:22: connect ECONNREFUSED");
    }, rs.filter((r) => r.host === "d2")),
    (e: Error) => e.message === "host d2: cannot discover mac:d2 (cannot connect to 10.77.0.12:22: connect ECONNREFUSED); fix that, or set pulumi-lvs:cluster.directors[1].mac by hand",
  );
});
