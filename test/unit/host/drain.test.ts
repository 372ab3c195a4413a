// Draining before removal: only members of services that keep at least one member are set to weight 0.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { drainConfig } from "../../../host/drain";

const conf = (services: Record<string, string[]>) =>
  Object.entries(services)
    .map(([vs, rss]) => [`virtual_server ${vs} {`, "    lvs_sched rr", ...rss.flatMap((rs) => [`    real_server ${rs} {`, "        weight 2", "    }"]), "}"].join("\n"))
    .join("\n\n");

describe("drainConfig", () => {
  it("a removed member of a kept service is drained; the others keep their weight", () => {
    const out = drainConfig(conf({ "10.0.0.1 80": ["10.0.0.21 80", "10.0.0.22 80"] }), conf({ "10.0.0.1 80": ["10.0.0.21 80"] }));
    assert.ok(out);
    assert.match(out, /real_server 10\.0\.0\.21 80 \{\n        weight 2/);
    assert.match(out, /real_server 10\.0\.0\.22 80 \{\n        weight 0/);
  });

  it("a service removed outright is not drained (weight 0 everywhere fails keepalived's quorum check)", () => {
    const old = conf({ "10.0.0.110 80": ["10.0.0.21 8080", "10.0.0.22 8080"], "10.0.0.1 80": ["10.0.0.21 80", "10.0.0.22 80"] });
    assert.equal(drainConfig(old, conf({ "10.0.0.1 80": ["10.0.0.21 80", "10.0.0.22 80"] })), null);
    assert.equal(drainConfig(old, conf({ "10.0.0.120 80": ["10.0.0.21 80"] })), null, "NAT → TUN: a new VIP, nothing to drain");
  });

  it("a service whose members are all replaced is not drained", () => {
    assert.equal(drainConfig(conf({ "10.0.0.1 80": ["10.0.0.21 80"] }), conf({ "10.0.0.1 80": ["10.0.0.23 80"] })), null);
  });

  it("nothing removed: null", () => {
    const c = conf({ "10.0.0.1 80": ["10.0.0.21 80"] });
    assert.equal(drainConfig(c, c), null);
  });
});
