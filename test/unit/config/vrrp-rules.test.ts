// VRRP rules: distinct priorities (with per-group overrides), nopreempt/preemptDelay need BACKUP, track-script
// weight arithmetic against the priority gap and keepalived's 1..254 clamp, vrrp_strict refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { validateCluster } from "../../../core/config/validate";
import { assertAccepted, assertRejected, listing, mutated, RuleCase, withSecondGroup } from "./fixture";

const K = "pulumi-lvs:cluster";
const track = (weight: number) => [{ name: "chk_nginx", script: "/usr/bin/pgrep nginx", weight }];

const cases: RuleCase[] = [
  {
    name: "two directors with one priority",
    bad: (c) => (c.directors[1].priority = 150),
    key: `${K}.directors[1].priority`,
    message: /priority 150 of "d2" equals that of "d1" in vrrp group "VI_1"; priorities must differ/,
    good: (c) => (c.directors[1].priority = 149),
  },
  {
    name: "a third director repeating a priority",
    bad: (c) => c.hosts.push({ name: "d3", address: "10.77.0.13" }) && c.directors.push({ host: "d3", priority: 100 }),
    key: `${K}.directors[2].priority`,
    message: /equals that of "d2"/,
    good: (c) => c.hosts.push({ name: "d3", address: "10.77.0.13" }) && c.directors.push({ host: "d3", priority: 50 }),
  },
  {
    name: "a per-group override equal to another director's priority",
    bad: (c) => (c.vrrp[0].priorities = { d2: 150 }),
    key: `${K}.vrrp[0].priorities.d2`,
    message: /priority 150 of "d2" equals that of "d1" in vrrp group "VI_1"/,
    good: (c) => (c.vrrp[0].priorities = { d2: 200 }),
  },
  {
    name: "an override on the first director is the key to fix",
    bad: (c) => (c.vrrp[0].priorities = { d1: 100 }),
    key: `${K}.vrrp[0].priorities.d1`,
    message: /equals that of "d1"/,
    good: (c) => (c.vrrp[0].priorities = { d1: 99 }),
  },
  {
    name: "overrides swapping the master in a second group stay distinct",
    bad: (c) => withSecondGroup(c, { priorities: { d1: 100 } }),
    key: `${K}.vrrp[1].priorities.d1`,
    message: /in vrrp group "VI_2"/,
    good: (c) => withSecondGroup(c, { priorities: { d1: 100, d2: 150 } }),
  },
  {
    name: "an override for a host that is not a director",
    bad: (c) => (c.vrrp[0].priorities = { r1: 200 }),
    key: `${K}.vrrp[0].priorities.r1`,
    message: /"r1" is not a director/,
    good: (c) => (c.vrrp[0].priorities = { d2: 200 }),
  },
  {
    name: "nopreempt with a MASTER node",
    bad: (c) => ((c.vrrp[0].nopreempt = true), (c.directors[0].state = "MASTER")),
    key: `${K}.directors[0].state`,
    message: /^must be BACKUP: vrrp group "VI_1" uses nopreempt, which keepalived ignores on a node whose initial state is MASTER$/,
    good: (c) => ((c.vrrp[0].nopreempt = true), (c.directors[0].state = "BACKUP")),
  },
  {
    name: "preemptDelay with a MASTER node",
    bad: (c) => ((c.vrrp[0].preemptDelay = 30), (c.directors[1].state = "MASTER")),
    key: `${K}.directors[1].state`,
    message: /must be BACKUP: vrrp group "VI_1" uses preemptDelay/,
    good: (c) => ((c.vrrp[0].preemptDelay = 30), delete c.directors[1].state),
  },
  {
    name: "MASTER is only refused when some group defers preemption",
    bad: (c) => withSecondGroup(c, { nopreempt: true }) && (c.directors[0].state = "MASTER"),
    key: `${K}.directors[0].state`,
    message: /vrrp group "VI_2" uses nopreempt/,
    good: (c) => withSecondGroup(c, { nopreempt: false }) && (c.directors[0].state = "MASTER"),
  },
  {
    name: "negative weight equal to the gap cannot move the VIP",
    bad: (c) => (c.vrrp[0].trackScripts = track(-50)),
    key: `${K}.vrrp[0].trackScripts[0].weight`,
    message: /^\|-50\| must be greater than the priority gap 50 \(150 − 100\).*use a larger weight or 0/,
    good: (c) => (c.vrrp[0].trackScripts = track(-51)),
  },
  {
    name: "positive weight below the gap",
    bad: (c) => (c.vrrp[0].trackScripts = track(10)),
    key: `${K}.vrrp[0].trackScripts[0].weight`,
    message: /\|10\| must be greater than the priority gap 50/,
    good: (c) => (c.vrrp[0].trackScripts = track(51)),
  },
  {
    name: "weight 0 (FAULT on failure) needs no arithmetic",
    bad: (c) => (c.vrrp[0].trackScripts = track(-1)),
    key: `${K}.vrrp[0].trackScripts[0].weight`,
    message: /priority gap 50/,
    good: (c) => (c.vrrp[0].trackScripts = track(0)),
  },
  {
    name: "the gap is measured with the group's overrides",
    bad: (c) => ((c.vrrp[0].priorities = { d2: 140 }), (c.vrrp[0].trackScripts = track(-10))),
    key: `${K}.vrrp[0].trackScripts[0].weight`,
    message: /gap 10 \(150 − 140\)/,
    good: (c) => ((c.vrrp[0].priorities = { d2: 140 }), (c.vrrp[0].trackScripts = track(-11))),
  },
  {
    name: "the gap is between the two highest of three directors",
    bad: (c) => c.hosts.push({ name: "d3", address: "10.77.0.13" }) && c.directors.push({ host: "d3", priority: 140 }) && (c.vrrp[0].trackScripts = track(-10)),
    key: `${K}.vrrp[0].trackScripts[0].weight`,
    message: /gap 10 \(150 − 140\)/,
    good: (c) => c.hosts.push({ name: "d3", address: "10.77.0.13" }) && c.directors.push({ host: "d3", priority: 140 }) && (c.vrrp[0].trackScripts = track(-20)),
  },
  {
    name: "only the failing script's weight counts (second script)",
    bad: (c) => (c.vrrp[0].trackScripts = [...track(-60), { name: "chk_disk", script: "/bin/true", weight: -5 }]),
    key: `${K}.vrrp[0].trackScripts[1].weight`,
    message: /\|-5\| must be greater/,
    good: (c) => (c.vrrp[0].trackScripts = [...track(-60), { name: "chk_disk", script: "/bin/true" }]),
  },
  {
    name: "a positive weight that lifts the backup to keepalived's ceiling 254 ties with the master",
    bad: (c) => ((c.directors[0].priority = 250), (c.directors[1].priority = 200), (c.vrrp[0].trackScripts = track(60))),
    key: `${K}.vrrp[0].trackScripts[0].weight`,
    message: /200 \+ 60 reaches keepalived's priority ceiling 254/,
    good: (c) => ((c.directors[0].priority = 250), (c.directors[1].priority = 200), (c.vrrp[0].trackScripts = track(-60))),
  },
  {
    name: "the ceiling is reached at exactly 254",
    bad: (c) => ((c.directors[0].priority = 200), (c.directors[1].priority = 150), (c.vrrp[0].trackScripts = track(104))),
    key: `${K}.vrrp[0].trackScripts[0].weight`,
    message: /ceiling 254/,
    good: (c) => ((c.directors[0].priority = 200), (c.directors[1].priority = 150), (c.vrrp[0].trackScripts = track(103))),
  },
  {
    name: "vrrp_strict is refused with the reason",
    bad: (c) => (c.vrrp[0].strict = true),
    key: `${K}.vrrp[0].strict`,
    message: /vrrp_strict is refused: .*drop traffic to the VIPs \(no_accept\).*remove it/,
    good: (c) => (c.vrrp[0].strict = false),
  },
];

for (const c of cases) {
  test(`vrrp: ${c.name}`, () => {
    assertRejected(mutated(c.bad), c.key, c.message);
    assertAccepted(mutated(c.good));
  });
}

test("vrrp: a track weight with nopreempt is a warning, not an error", () => {
  const result = validateCluster(mutated((c) => ((c.vrrp[0].nopreempt = true), (c.vrrp[0].trackScripts = track(-60)))));
  assert.equal(result.ok, true, listing(result));
  const warning = result.issues.find((i) => i.key === `${K}.vrrp[0].trackScripts[0].weight`);
  assert.equal(warning?.severity, "warning", listing(result));
  assert.match(warning!.message, /no effect with nopreempt/);
});

test("vrrp: one MASTER report per director, naming every group that defers preemption", () => {
  const result = validateCluster(mutated((c) => withSecondGroup(c, { preemptDelay: 10 }) && ((c.vrrp[0].nopreempt = true), (c.directors[0].state = "MASTER"))));
  const hits = result.issues.filter((i) => i.key === `${K}.directors[0].state`);
  assert.equal(hits.length, 1, listing(result));
  assert.match(hits[0].message, /"VI_1" uses nopreempt, vrrp group "VI_2" uses preemptDelay/);
});
