// VRIDs: 1..255, unique per interface, never a reserved one; derived ones deterministic, shown, and collision-free.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { assignVrids, hashedVrid } from "../../../core/model/vrid";
import { buildModel } from "../../../core/model/cluster";
import { assertAccepted, assertRejected, mutated, RuleCase, withSecondGroup } from "./fixture";

const K = "pulumi-lvs:cluster";

const cases: RuleCase[] = [
  {
    name: "explicit duplicates on one interface",
    bad: (c) => withSecondGroup(c, { virtualRouterId: 7 }) && (c.vrrp[0].virtualRouterId = 7),
    key: `${K}.vrrp[1].virtualRouterId`,
    message: /^7 is also used by vrrp\[0\] \("VI_1"\) on interface eth0; VRIDs must be unique per segment$/,
    good: (c) => withSecondGroup(c, { virtualRouterId: 8 }) && (c.vrrp[0].virtualRouterId = 7),
  },
  {
    name: "explicit duplicates on different interfaces are separate segments",
    bad: (c) => withSecondGroup(c, { virtualRouterId: 7, interface: "eth0" }) && (c.vrrp[0].virtualRouterId = 7),
    key: `${K}.vrrp[1].virtualRouterId`,
    message: /unique per segment/,
    good: (c) => withSecondGroup(c, { virtualRouterId: 7, interface: "eth1" }) && (c.vrrp[0].virtualRouterId = 7),
  },
  {
    name: "explicit VRID that is reserved",
    bad: (c) => ((c.vrrp[0].virtualRouterId = 51), (c.reservedVirtualRouterIds = [50, 51])),
    key: `${K}.vrrp[0].virtualRouterId`,
    message: /^51 is listed in reservedVirtualRouterIds/,
    good: (c) => ((c.vrrp[0].virtualRouterId = 52), (c.reservedVirtualRouterIds = [50, 51])),
  },
  {
    name: "no VRID left to derive",
    bad: (c) => (c.reservedVirtualRouterIds = Array.from({ length: 255 }, (_, i) => i + 1)),
    key: `${K}.vrrp[0].virtualRouterId`,
    message: /no free VRID is left to derive; set one explicitly/,
    good: (c) => (c.reservedVirtualRouterIds = Array.from({ length: 254 }, (_, i) => i + 1)),
  },
  {
    name: "reserved VRIDs themselves are 1..255",
    bad: (c) => (c.reservedVirtualRouterIds = [0]),
    key: `${K}.reservedVirtualRouterIds[0]`,
    message: /must be >= 1/,
    good: (c) => (c.reservedVirtualRouterIds = [1]),
  },
];

for (const c of cases) {
  test(`vrid: ${c.name}`, () => {
    assertRejected(mutated(c.bad), c.key, c.message);
    assertAccepted(mutated(c.good));
  });
}

test("vrid: the last free id is the one derived", () => {
  const { config } = assertAccepted(mutated((c) => (c.reservedVirtualRouterIds = Array.from({ length: 254 }, (_, i) => i + 1))));
  assert.deepEqual(assignVrids(config!), [{ vrid: 255, derived: true }]);
});

// Pinned literals, computed once by hand (sha256("pulumi-lvs/<cluster>/<group>"), first 4 bytes big-endian, mod 255,
// plus 1), never by the function under test: a change to the derivation renumbers deployed clusters' VRIDs and must
// show up here.
const WEB_VI_1 = 178;
const WEB_VI_2 = 153;

test("vrid: the derivation is pinned: web/VI_1 → 178, web/VI_2 → 153, other clusters differ", () => {
  assert.equal(hashedVrid("web", "VI_1"), WEB_VI_1);
  assert.equal(hashedVrid("web", "VI_2"), WEB_VI_2);
  assert.deepEqual(["a", "b", "c", "d"].map((n) => hashedVrid(n, "VI_2")), [156, 231, 128, 83]);
  assert.equal(hashedVrid("web", "G77"), 255);
});

test("vrid: a derived VRID steps around an explicit one that takes its hash", () => {
  const raw = mutated((c) => withSecondGroup(c, { virtualRouterId: WEB_VI_1 }));
  const { config } = assertAccepted(raw);
  assert.deepEqual(assignVrids(config!), [
    { vrid: 179, derived: true },
    { vrid: WEB_VI_1, derived: false },
  ]);
});

test("vrid: a derived VRID steps around a reserved one, and past 255 wraps to 1", () => {
  const { config } = assertAccepted(mutated((c) => (c.reservedVirtualRouterIds = [WEB_VI_1, 179])));
  assert.deepEqual(assignVrids(config!), [{ vrid: 180, derived: true }]);
  const wrapped = assignVrids({ name: "web", vrrp: [{ name: "G77" }], reservedVirtualRouterIds: [255] } as any);
  assert.deepEqual(wrapped, [{ vrid: 1, derived: true }]);
  assert.deepEqual(assignVrids({ name: "web", vrrp: [{ name: "G77" }], reservedVirtualRouterIds: [] } as any), [{ vrid: 255, derived: true }]);
});

test("vrid: derived VRIDs are deterministic and shown in the model as derived", () => {
  const raw = mutated((c) => withSecondGroup(c) && (c.vrrp[0].virtualRouterId = 42));
  const first = buildModel(assertAccepted(raw).config!);
  const again = buildModel(assertAccepted(structuredClone(raw)).config!);
  assert.deepEqual(first.groups.map((g) => [g.name, g.vrid, g.vridDerived]), [
    ["VI_1", 42, false],
    ["VI_2", WEB_VI_2, true],
  ]);
  assert.deepEqual(again.groups.map((g) => [g.name, g.vrid, g.vridDerived]), first.groups.map((g) => [g.name, g.vrid, g.vridDerived]));
});

test("vrid: a derived group whose hash is taken by a later explicit id moves to the next free id", () => {
  const got = assignVrids({ name: "web", vrrp: [{ name: "VI_1" }, { name: "VI_2" }, { name: "X", virtualRouterId: WEB_VI_2 }], reservedVirtualRouterIds: [] } as any);
  assert.deepEqual(got, [
    { vrid: WEB_VI_1, derived: true },
    { vrid: 154, derived: true },
    { vrid: WEB_VI_2, derived: false },
  ]);
});

test("vrid: adding a group never renumbers an earlier derived one", () => {
  const one = assignVrids({ name: "web", vrrp: [{ name: "A" }], reservedVirtualRouterIds: [] } as any);
  const two = assignVrids({ name: "web", vrrp: [{ name: "A" }, { name: "B" }], reservedVirtualRouterIds: [] } as any);
  assert.deepEqual(two[0], one[0]);
});

const groupName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,20}$/);

test("vrid (property): derived VRIDs are unique, in 1..255 and never an explicit or reserved id", () => {
  fc.assert(
    fc.property(
      groupName,
      fc.uniqueArray(groupName, { minLength: 1, maxLength: 40 }),
      fc.uniqueArray(fc.integer({ min: 1, max: 255 }), { maxLength: 120 }),
      fc.array(fc.option(fc.integer({ min: 1, max: 255 }), { nil: undefined, freq: 3 }), { minLength: 40, maxLength: 40 }),
      (cluster, names, reserved, explicitChoice) => {
        // Explicit ids are distinct and not reserved (the rules reject anything else); enough ids stay free.
        const explicit = new Set<number>();
        const vrrp = names.map((name, i) => {
          const id = explicitChoice[i];
          if (id === undefined || explicit.has(id) || reserved.includes(id)) return { name };
          explicit.add(id);
          return { name, virtualRouterId: id };
        });
        fc.pre(reserved.length + vrrp.length <= 255);
        const result = assignVrids({ name: cluster, vrrp, reservedVirtualRouterIds: reserved } as any);
        assert.equal(result.length, vrrp.length);
        const derived = result.filter((r, i) => {
          assert.equal(r.derived, vrrp[i].virtualRouterId === undefined);
          if (!r.derived) assert.equal(r.vrid, vrrp[i].virtualRouterId);
          return r.derived;
        });
        const all = result.map((r) => r.vrid);
        assert.equal(new Set(all).size, all.length, `VRIDs collide: ${all}`);
        for (const { vrid } of derived) {
          assert.ok(Number.isInteger(vrid) && vrid >= 1 && vrid <= 255, `out of range: ${vrid}`);
          assert.ok(!reserved.includes(vrid), `derived ${vrid} is reserved`);
          assert.ok(!explicit.has(vrid), `derived ${vrid} is explicit`);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test("vrid (property): a cluster whose groups all derive their VRIDs passes the VRID rule", () => {
  fc.assert(
    fc.property(groupName, fc.uniqueArray(groupName, { minLength: 2, maxLength: 12 }), (cluster, names) => {
      const raw = mutated((c) => {
        c.name = cluster;
        c.vrrp = names.map((name) => ({ name }));
        c.services = names.map((name, i) => ({ name: `s${i}`, vip: `10.77.0.${100 + i}`, port: 80, vrrp: name, realServers: [{ host: "r1" }] }));
      });
      const { config } = assertAccepted(raw);
      const vrids = buildModel(config!).groups.map((g) => g.vrid);
      assert.equal(new Set(vrids).size, names.length);
    }),
    { numRuns: 100 },
  );
});
