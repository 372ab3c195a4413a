// The prepare's record as the commit's input carries it: one JSON string that reads back to the same hash and
// baseline; anything else reads as no record, so the commit falls back to reading the host.
import { test } from "node:test";
import assert from "node:assert/strict";
import { preparedFrom, preparedText } from "../../../host/deploy";

const baseline = { sysctls: { "net.ipv4.conf.all.arp_ignore": "0" }, modules: ["ext4"], foreignFiles: [], keepalivedActive: false, keepalivedEnabled: false, scriptUser: false, packages: ["iptables"] };

test("preparedText reads back as the same hash and baseline, on one line", () => {
  const text = preparedText({ hash: "abc", baseline, lastChanges: ["install package keepalived"] });
  assert.doesNotMatch(text, /\n/);
  assert.throws(() => JSON.parse(text), "not JSON as a whole: the engine's diff display would unfold it");
  assert.deepEqual(preparedFrom(text), { hash: "abc", baseline, lastChanges: [] });
});

for (const [what, text] of [
  ["absent", undefined],
  ["empty", ""],
  ["not JSON", "prepared/1 {baseline"],
  ["JSON without the prefix", JSON.stringify({ hash: "abc", baseline })],
  ["no hash", `prepared/1 ${JSON.stringify({ baseline })}`],
  ["no baseline", `prepared/1 ${JSON.stringify({ hash: "abc" })}`],
  ["the engine's unknown", "04da6b54-80e4-46f7-96ec-b56ff0331ba9"],
] as const)
  test(`preparedFrom: ${what} is no record`, () => assert.equal(preparedFrom(text), undefined));
