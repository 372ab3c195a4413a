// No fact is gathered that nothing reads: the facts script of a host carries only what its steps and teardown look
// at (the nft table where there are fwmark rules, the sync daemons where keepalived is managed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { factsFor, factsScript } from "../../../host/facts/host-facts";
import { stateOf } from "./states";

const CASES: { example: string; host: string; nft: boolean; syncDaemons: boolean }[] = [
  { example: "dr", host: "r1", nft: false, syncDaemons: false },
  { example: "dr", host: "d1", nft: false, syncDaemons: true },
  { example: "colocated", host: "d1", nft: true, syncDaemons: true },
  { example: "nat", host: "r1", nft: false, syncDaemons: false },
];

for (const c of CASES) {
  test(`facts of ${c.example} ${c.host}: nft ${c.nft ? "read" : "not read"}, sync daemons ${c.syncDaemons ? "read" : "not read"}`, () => {
    const state = stateOf({ example: c.example, host: c.host });
    const facts = factsFor(state);
    assert.equal("nft" in facts, c.nft);
    assert.equal("syncDaemons" in facts, c.syncDaemons);
    const script = factsScript(state);
    assert.equal(script.includes("@@pulumi-lvs:begin nft'"), c.nft, script);
    assert.equal(/ipvs-sync/.test(script), c.syncDaemons);
    assert.doesNotMatch(script, /keepalived (-v|--version)/, "the keepalived version is read by nothing");
  });
}
