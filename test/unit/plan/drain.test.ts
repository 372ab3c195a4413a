// Draining as a render: an update first applies the new config with the members it removes kept at weight 0. Only
// members of virtual servers that keep at least one member drain (the cases host/drain.ts's text edit had).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseStackFile } from "../../../core/config/stack-file";
import { DeployedMembers, drainingState, drainingView, membersOf } from "../../../core/plan/drain";
import { renderKeepalivedConf } from "../../../core/render/keepalived-conf";
import type { KeepalivedView, VirtualServerView } from "../../../core/render/views";
import { membersOfRenderedConf } from "../../../components/stored-state";
import { renderFromConfig } from "../../../core";
import { root } from "../host/fixtures";
import { stateOf } from "../host/states";

const tcp = { block: "TCP_CHECK" as const, url: null, dns: null, heloName: null, miscPath: null, miscTimeout: null, connectTimeout: 3, retry: 2, delayBeforeRetry: 2 };

/** `{ "10.0.0.1 80": ["10.0.0.21 80", …] }` → a director's view with those virtual servers, every member at weight 2. */
function view(services: Record<string, string[]>): KeepalivedView {
  const virtualServers: VirtualServerView[] = Object.entries(services).map(([address, members]) => ({
    name: address.replace(/\W/g, "_"),
    address,
    fwmarkNote: null,
    delayLoop: 5,
    scheduler: "rr",
    method: "DR",
    protocol: "TCP",
    persistenceTimeout: null,
    persistenceGranularity: null,
    quorum: null,
    quorumUp: null,
    quorumDown: null,
    group: null,
    sorryServer: null,
    inhibitOnFailure: false,
    alpha: false,
    omega: false,
    check: tcp,
    realServers: members.map((m) => {
      const [a, p] = m.split(" ");
      return { address: a, port: Number(p), weight: 2, connectPort: Number(p), draining: false };
    }),
  }));
  return { cluster: "t", host: "d1", routerId: "d1", scriptUser: "keepalived_script", garpMasterRefresh: 60, reloadCheckConfig: true, sync: null, timeouts: null, scripts: [], instances: [], virtualServers };
}

/** The same services as keepalived.conf text the way the previous release rendered them (what its stored state holds). */
const conf = (services: Record<string, string[]>) =>
  Object.entries(services)
    .map(([vs, rss]) => [`virtual_server ${vs} {`, "    lvs_sched rr", ...rss.flatMap((rs) => [`    real_server ${rs} {`, "        weight 2", "    }"]), "}"].join("\n"))
    .join("\n\n");

/** The previous members, from a stored model and from the previous release's text: both must drain alike. */
const previousOf = (services: Record<string, string[]>): [string, DeployedMembers][] => [
  ["stored model", membersOf(view(services))],
  ["previous release's text", membersOfRenderedConf(conf(services))],
];

describe("drainingView", () => {
  it("a removed member of a kept service is drained; the others keep their weight", () => {
    for (const [from, previous] of previousOf({ "10.0.0.1 80": ["10.0.0.21 80", "10.0.0.22 80"] })) {
      const out = drainingView(view({ "10.0.0.1 80": ["10.0.0.21 80"] }), previous);
      assert.ok(out, from);
      const text = renderKeepalivedConf(out);
      assert.match(text, /real_server 10\.0\.0\.21 80 \{\n {8}weight 2/, from);
      assert.match(text, /real_server 10\.0\.0\.22 80 \{\n {8}weight 0/, from);
    }
  });

  it("a service removed outright is not drained (weight 0 everywhere fails keepalived's quorum check)", () => {
    for (const [from, previous] of previousOf({ "10.0.0.110 80": ["10.0.0.21 8080", "10.0.0.22 8080"], "10.0.0.1 80": ["10.0.0.21 80", "10.0.0.22 80"] })) {
      assert.equal(drainingView(view({ "10.0.0.1 80": ["10.0.0.21 80", "10.0.0.22 80"] }), previous), null, from);
      assert.equal(drainingView(view({ "10.0.0.120 80": ["10.0.0.21 80"] }), previous), null, `${from}: NAT → TUN: a new VIP, nothing to drain`);
    }
  });

  it("a service whose members are all replaced is not drained", () => {
    for (const [from, previous] of previousOf({ "10.0.0.1 80": ["10.0.0.21 80"] })) assert.equal(drainingView(view({ "10.0.0.1 80": ["10.0.0.23 80"] }), previous), null, from);
  });

  it("nothing removed: null", () => {
    const c = { "10.0.0.1 80": ["10.0.0.21 80"] };
    for (const [from, previous] of previousOf(c)) assert.equal(drainingView(view(c), previous), null, from);
  });

  it("a removed member already at weight 0 has nothing to drain", () => {
    const previous = membersOf(view({ "10.0.0.1 80": ["10.0.0.21 80", "10.0.0.22 80"] }));
    previous["10.0.0.1 80"][1].weight = 0;
    assert.equal(drainingView(view({ "10.0.0.1 80": ["10.0.0.21 80"] }), previous), null);
  });

  it("members are told apart by address and port: one address on two ports is two members", () => {
    const previous = membersOf(view({ "10.0.0.1 80": ["10.0.0.21 80", "10.0.0.21 8080"] }));
    const out = drainingView(view({ "10.0.0.1 80": ["10.0.0.21 80"] }), previous);
    assert.ok(out, "the member on port 8080 drains");
    assert.deepEqual(out.virtualServers[0].realServers.map((m) => [m.port, m.draining]), [[80, false], [8080, true]]);
  });

  it("a fwmark member (no port) is the same member whether stored state kept its null port or dropped it", () => {
    const fwmark = (port: number | null | undefined) => {
      const v = view({ "fwmark 7": ["10.0.0.21 0", "10.0.0.22 0"] });
      for (const m of v.virtualServers[0].realServers) (m as { port: number | null | undefined }).port = port;
      return v;
    };
    const stored = membersOf(fwmark(null));
    for (const m of stored["fwmark 7"]) delete (m as { port?: unknown }).port; // what a round trip through state gives
    assert.equal(drainingView(fwmark(null), stored), null, "nothing removed, so nothing drains");
    const next = fwmark(null);
    next.virtualServers[0].realServers.pop();
    assert.deepEqual(drainingView(next, stored)?.virtualServers[0].realServers.map((m) => [m.address, m.draining]), [["10.0.0.21", false], ["10.0.0.22", true]]);
  });

  it("a virtual server the previous deployment did not have drains nothing; no view, no members", () => {
    assert.equal(drainingView(view({ "10.0.0.9 80": ["10.0.0.21 80"] }), membersOf(view({ "10.0.0.1 80": ["10.0.0.21 80"] }))), null);
    assert.deepEqual(membersOf(undefined), {});
  });

  it("membersOf keeps address, port, weight and check port, and writes absent ports as null", () => {
    const v = view({ "10.0.0.1 80": ["10.0.0.21 80"] });
    const m = v.virtualServers[0].realServers[0] as { port: number | null | undefined; connectPort: number | null | undefined };
    m.port = undefined;
    m.connectPort = undefined;
    assert.deepEqual(membersOf(v), { "10.0.0.1 80": [{ address: "10.0.0.21", port: null, weight: 2, connectPort: null }] });
    assert.deepEqual(membersOf(view({ "10.0.0.1 80": ["10.0.0.21 80"] })), { "10.0.0.1 80": [{ address: "10.0.0.21", port: 80, weight: 2, connectPort: 80 }] });
  });
});

describe("drainingState", () => {
  it("renders keepalived.conf again from the model, with the removed member at weight 0 and its own check port", () => {
    const before = stateOf({ example: "dr", host: "d1" });
    const withoutR2 = parseStackFile(fs.readFileSync(path.join(root, "examples/Pulumi.dr.yaml"), "utf8")).cluster as { services: { realServers: { host: string }[] }[] };
    withoutR2.services[0].realServers = withoutR2.services[0].realServers.filter((m) => m.host !== "r2");
    const after = renderFromConfig(withoutR2).hosts.find((h) => h.host === "d1")!;
    const draining = drainingState(after, membersOf(before.keepalived));
    assert.ok(draining);
    const conf = (s: typeof after) => s.files.find((f) => f.path === "/etc/keepalived/keepalived.conf")!.content;
    assert.doesNotMatch(conf(after), /10\.77\.0\.22/);
    assert.match(conf(draining), /real_server 10\.77\.0\.22 80 \{\n {8}weight 0\n {8}HTTP_GET \{/);
    assert.equal(conf(draining).replace(/\n\n {4}real_server 10\.77\.0\.22 80 \{[\s\S]*?\n {4}\}\n/, "\n"), conf(after), "the new config plus the draining block, nothing else");
    assert.notEqual(draining.hash, after.hash);
    assert.deepEqual(
      draining.files.filter((f) => f.path !== "/etc/keepalived/keepalived.conf"),
      after.files.filter((f) => f.path !== "/etc/keepalived/keepalived.conf"),
      "only keepalived.conf differs from the new state",
    );
    assert.equal(drainingState(after, membersOf(after.keepalived)), null, "an update that removes nothing drains nothing");
    assert.equal(drainingState(stateOf({ example: "dr", host: "r1" }), membersOf(before.keepalived)), null, "a real server has no keepalived.conf to drain");
  });
});
