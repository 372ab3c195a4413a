// Every fact parser against recorded command output: test/fixtures/facts/<fact>/<case>.json = { args, stdout, expected }.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import type { Fact } from "../../../host/facts/fact";
import { batchScript, splitBatch } from "../../../host/facts/fact";
import { osInfo } from "../../../host/facts/os";
import { installedPackages } from "../../../host/facts/packages";
import { keepalivedVersion, versionAtLeast } from "../../../host/facts/keepalived";
import { loadedModules } from "../../../host/facts/modules";
import { sysctlValues } from "../../../host/facts/sysctls";
import { allAddresses, interfaceAddresses } from "../../../host/facts/addresses";
import { fileStates } from "../../../host/facts/files";
import { unitStates } from "../../../host/facts/units";
import { nftTable } from "../../../host/facts/nft";
import { interfaceMac, routeInterface, userExists } from "../../../host/facts/network";
import { ipvsTable } from "../../../host/facts/ipvs";
import { vrrpJournal } from "../../../host/facts/vrrp-journal";
import { arpSettings } from "../../../host/facts/arp";
import { ipvsSyncDaemons } from "../../../host/facts/ipvs-sync";
import { loadFixtures } from "./fixtures";

type Args = unknown[] | null;
const FACTS: Record<string, (args: Args) => Fact<unknown>> = {
  os: () => osInfo,
  packages: (a) => installedPackages(a![0] as string[]),
  "keepalived-version": () => keepalivedVersion,
  modules: () => loadedModules,
  sysctls: (a) => sysctlValues(a![0] as string[]),
  addresses: (a) => interfaceAddresses(a![0] as string),
  "all-addresses": () => allAddresses,
  files: (a) => fileStates(a![0] as string[]),
  units: (a) => unitStates(a![0] as string[]),
  nft: (a) => nftTable(a![0] as string),
  mac: (a) => interfaceMac(a![0] as string),
  route: (a) => routeInterface(a![0] as string),
  user: (a) => userExists(a![0] as string),
  ipvs: () => ipvsTable,
  "vrrp-journal": () => vrrpJournal,
  "ipvs-sync": () => ipvsSyncDaemons,
  arp: (a) => arpSettings(a![0] as string | null, a![1] as string),
};

interface FactCase {
  args: Args;
  stdout: string;
  expected: unknown;
  /** When present, the fact's command must equal it. */
  command?: string;
}

const cases = loadFixtures<FactCase>("facts");

test("every fact parser has fixtures and every fixture names a known fact", () => {
  const groups = new Set(cases.map((c) => c.group));
  assert.deepEqual([...groups].sort(), Object.keys(FACTS).sort());
});

for (const c of cases) {
  test(`fact ${c.group}: ${c.name}`, () => {
    const make = FACTS[c.group];
    assert.ok(make, `${c.file}: no fact named ${c.group}`);
    const fact = make(c.data.args);
    if (c.data.command !== undefined) assert.equal(fact.command, c.data.command, c.file);
    assert.deepEqual(fact.parse(c.data.stdout), c.data.expected, c.file);
  });
}

test("fact batch: every recorded output survives the framing, also without a final newline and when empty", () => {
  const chosen = cases.filter((c, i) => cases.findIndex((d) => d.group === c.group) === i);
  const facts = chosen.map((c) => FACTS[c.group](c.data.args));
  const outputs = chosen.map((c, i) => (i % 2 === 1 ? c.data.stdout.replace(/\n$/, "") : c.data.stdout));
  // Replace each fact's command with one printing its recorded output exactly, then run the batch in the real sh.
  const script = batchScript(facts.map((f, i) => ({ ...f, command: `printf '%s' '${outputs[i].replace(/'/g, `'\\''`)}'` })));
  const stdout = execFileSync("/bin/sh", ["-s"], { input: script, encoding: "utf8" });
  const sections = splitBatch(stdout);
  facts.forEach((f, i) => assert.equal(sections.get(f.id), outputs[i], `section ${f.id}`));
  assert.equal(sections.size, new Set(facts.map((f) => f.id)).size);
});

test("fact batch: a command's stderr and exit status do not leak into the sections", () => {
  const script = batchScript([
    { id: "a", command: "echo out; echo err >&2; false", parse: (s) => s },
    { id: "b", command: "cat /nonexistent/file", parse: (s) => s },
  ]);
  const stdout = execFileSync("/bin/sh", ["-s"], { input: script, encoding: "utf8" });
  assert.deepEqual([...splitBatch(stdout)], [["a", "out\n"], ["b", ""]]);
});

test("versionAtLeast compares numerically, not as text", () => {
  assert.equal(versionAtLeast("2.2.7", "2.2.7"), true);
  assert.equal(versionAtLeast("2.2.10", "2.2.8"), true);
  assert.equal(versionAtLeast("2.2.7", "2.2.8"), false);
  assert.equal(versionAtLeast("2.10.0", "2.9.9"), true);
  assert.equal(versionAtLeast("1.9.9", "2.0"), false);
});
