// Semantic rules run together: one config with several independent mistakes reports every one of them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { validateCluster } from "../../../core/config/validate";
import { listing, mutated } from "./fixture";

const K = "pulumi-lvs:cluster";

test("all semantic errors are reported at once, each at its own key", () => {
  const raw = mutated((c) => {
    c.directors[1].priority = 150; // priorities collide
    c.vrrp[0].strict = true; // vrrp_strict refused
    c.services[0].vip = "10.77.0.21"; // VIP is r1's address
    c.services[0].realServers[1].port = 8080; // DR remap
    c.vrrp[0].virtualRouterId = 9;
    c.reservedVirtualRouterIds = [9]; // reserved VRID
    c.hosts[3].address = "10.77.5.22"; // outside the DR subnet
  });
  const result = validateCluster(raw);
  assert.equal(result.ok, false);
  const expected = [
    `${K}.directors[1].priority`,
    `${K}.vrrp[0].strict`,
    `${K}.services[0].vip`,
    `${K}.services[0].realServers[1].port`,
    `${K}.vrrp[0].virtualRouterId`,
    `${K}.hosts[3].address`,
  ];
  const errors = result.issues.filter((i) => i.severity === "error").map((i) => i.key);
  assert.deepEqual([...errors].sort(), [...expected].sort(), listing(result));
});
