// The keepalived lexer oracle (test/support/readers/keepalived-lexer.ts) against the real keepalived 2.2.7:
// - as keepalived --config-test sees words: hostile text around a scheduler name on `lvs_sched` (which keepalived
//   checks against its list), the oracle predicting whether keepalived accepts the config;
// - as keepalived runs scripts: hostile vrrp_script command lines, run by the real keepalived, whose argv must be the
//   oracle's.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { readKeepalived, shapeOf } from "../../support/readers/keepalived-lexer";
import { keepalivedConfigTests } from "../../support/keepalived-check";
import { runKeepalived } from "../../support/keepalived-run";

const seed = 20261202;
const CONF = "/etc/keepalived/keepalived.conf";
/** keepalived 2.2.7's lvs_schedulers[] (check_parser.c). */
const SCHEDULERS = ["rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf", "lblcr", "sed", "nq", "twos"];
const FRAGMENTS = ["#", "!", "\\#", "\\!", '"', '""', "'", "{", "}", " ", "\t", "\\", "$_HASH", "$_BANG", "${_HASH}", "$_HASH ", "$_PWD", "$X", "@", "~", "x", "w", '"w"', "\r", "\f"];

const probe = (value: string) =>
  ["global_defs {", "    router_id t1", "}", "virtual_server 10.0.0.100 80 {", "    delay_loop 5", `    lvs_sched ${value}`, "    lvs_method DR", "    protocol TCP",
    "    real_server 10.0.0.21 80 {", "        weight 1", "        TCP_CHECK {", "            connect_timeout 3", "        }", "    }", "}", ""].join("\n");

/** What the oracle says keepalived does with `lvs_sched <value>`: accept iff it reads a known scheduler as word 2. */
function predicted(value: string): { accepts: boolean; word?: string } {
  const reading = readKeepalived({ [CONF]: probe(value) });
  if (reading.problems.some((p) => p.reported)) return { accepts: false };
  const expected = shapeOf(readKeepalived({ [CONF]: probe("rr") }).statements) as unknown[][];
  const actual = shapeOf(reading.statements) as unknown[][];
  const vs = actual[1]?.[3] as unknown[][] | undefined;
  const sched = vs?.[1];
  if (!vs || sched?.[0] !== "lvs_sched" || sched.length < 2) return { accepts: false };
  // Extra words on the line are ignored by keepalived; everything else must be the config as written.
  const normalised = structuredClone(actual);
  (normalised[1][3] as unknown[][])[1] = ["lvs_sched", "rr"];
  if (JSON.stringify(normalised) !== JSON.stringify(expected)) return { accepts: false };
  return { accepts: SCHEDULERS.includes(String(sched[1])), word: String(sched[1]) };
}

const lvsSchedValues = fc.oneof(
  fc.tuple(fc.constantFrom(...SCHEDULERS), fc.constantFrom(...FRAGMENTS), fc.nat(6), fc.constantFrom(...FRAGMENTS, "")).map(([s, f, k, g]) => {
    const at = Math.min(k, s.length);
    return s.slice(0, at) + f + s.slice(at) + g;
  }),
  fc.string({ unit: fc.constantFrom(..."rwlcxh#!\"'{}\\$_ ".split("")), minLength: 1, maxLength: 8 }),
);

test("lexer conformance: keepalived --config-test accepts lvs_sched exactly when the oracle reads a scheduler", () => {
  const values = [...new Set(["rr", "rr#x", "rr!x", "rr\\#x", '"rr"', '"r r"', '"rr#x"', "'rr'", "r$_HASH", "${_BANG}rr", 'rr"x"', "rr }", "rr{", "rr x", ...fc.sample(lvsSchedValues, { numRuns: 160, seed })])];
  const verdicts = keepalivedConfigTests(values.map((v) => [{ path: CONF, content: probe(v) }]));
  const mismatches = values
    .map((v, i) => ({ v, predicted: predicted(v), actual: verdicts[i] }))
    .filter((r) => r.predicted.accepts !== r.actual.ok)
    .map((r) => `${JSON.stringify(r.v)}: oracle ${r.predicted.accepts ? `accepts (reads ${JSON.stringify(r.predicted.word)})` : "rejects"}, keepalived ${r.actual.ok ? "accepts" : `rejects: ${r.actual.stderr.trim()}`}`);
  const accepted = verdicts.filter((v) => v.ok).length;
  const transformed = values.filter((v, i) => verdicts[i].ok && !SCHEDULERS.includes(v)).length;
  console.log(`lexer conformance: ${values.length} lvs_sched values, ${accepted} accepted by keepalived (${transformed} of them only after keepalived's lexing), ${mismatches.length} mismatches`);
  assert.deepEqual(mismatches, []);
  assert.ok(transformed >= 10, "the corpus must exercise comments, quotes and definitions, not only plain names");
});

const scriptConf = (line: string) =>
  ["global_defs {", "    router_id t1", "    enable_script_security", "    script_user keepalived_script", "}", "vrrp_script chk {", line, "    interval 1", "}",
    "vrrp_instance VI_1 {", "    state BACKUP", "    interface eth0", "    virtual_router_id 51", "    priority 100", "    advert_int 1",
    "    virtual_ipaddress {", "        10.0.0.100/32 dev eth0", "    }", "    track_script {", "        chk", "    }", "}", ""].join("\n");

const scriptTails = fc.string({ unit: fc.constantFrom(..."ab '\\#!{}$_HASxn41\t%;".split("")), minLength: 1, maxLength: 12 });

test("lexer conformance: the real keepalived runs vrrp_scripts with the oracle's argv", async () => {
  const tails = [...new Set(["a 'b c' d", "''", "a\\ b", "\\x41\\x42", "$_HASH x", "${_BANG}", "'a\\'b'", "\\n", "\\101", "d#e {f} !g", "'unclosed", ...fc.sample(scriptTails, { numRuns: 30, seed })])];
  // Only lines whose blocks stay intact: a broken block is the config test's business, not argv's.
  const cases = tails
    .map((tail) => ({ tail, line: `    script "/run/kp-bin/argv-dump ${tail}"` }))
    .filter((c) => readKeepalived({ [CONF]: scriptConf(c.line) }).problems.every((p) => !p.reported || p.message.includes("cannot parse the script")));
  const runs = await Promise.all(cases.map((c) => runKeepalived(scriptConf(c.line))));
  const mismatches = cases.flatMap((c, i) => {
    const script = readKeepalived({ [CONF]: scriptConf(c.line) }).statements[1].block?.find((s) => s.words[0] === "script");
    const expected = script?.argv ? script.argv.slice(1) : null;
    const actual = runs[i].calls[0] ?? null;
    return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [`${JSON.stringify(c.tail)}: oracle ${JSON.stringify(expected)}, keepalived ${JSON.stringify(actual)}\n${runs[i].log}`];
  });
  const dropped = cases.filter((_, i) => runs[i].calls.length === 0).length;
  console.log(`lexer conformance: ${cases.length} vrrp_script command lines run by keepalived (${dropped} dropped by keepalived, as predicted), ${mismatches.length} mismatches`);
  assert.deepEqual(mismatches, []);
  assert.ok(cases.length >= 30);
});

const authConf = (pass: string) =>
  ["global_defs {", "    router_id t1", "}", "vrrp_instance VI_1 {", "    state BACKUP", "    interface eth0", "    virtual_router_id 51", "    priority 100",
    "    authentication {", "        auth_type PASS", `        auth_pass ${pass}`, "    }", "    virtual_ipaddress {", "        10.0.0.100/32 dev eth0", "    }", "}", ""].join("\n");

test("lexer conformance: auth_pass honours double quotes (keepalived counts the bytes it reads: more than 8 is reported)", () => {
  const cases: [string, boolean, string][] = [
    ["abcdefgh", true, "8 bytes"],
    ["abcdefghi", false, "9 bytes"],
    ['"abcdefg#"', true, "8 bytes, # inside quotes"],
    ['"abcdefgh#"', false, "9 bytes read: the quoted # is part of it"],
    ["abcdefgh#xyz", true, "cut silently at # to 8 bytes"],
    ['"a{b} c!"', true, "braces, a space and ! inside quotes"],
  ];
  const verdicts = keepalivedConfigTests(cases.map(([pass]) => [{ path: CONF, content: authConf(pass) }]));
  cases.forEach(([pass, ok, why], i) => {
    assert.equal(verdicts[i].ok, ok, `auth_pass ${pass} (${why}): ${verdicts[i].stderr}`);
    if (!ok) assert.match(verdicts[i].stderr, /Truncating auth_pass to 8 characters/);
    const read = readKeepalived({ [CONF]: authConf(pass) }).statements[1].block!.find((s) => s.words[0] === "authentication")!.block![1].words[1];
    assert.equal(read.length > 8, !ok, `the oracle reads ${JSON.stringify(read)}`);
  });
});
