// Nothing in a stack config can inject into a host file. Every string- and integer-typed field of the JSON Schema
// (found by walking it, so a new field is covered without touching this test) is set, one at a time, in a maximal
// fixture to hostile values (test/support/fuzz/values.ts). For each generated config:
// - either validation rejects it with an error naming that field's key (or the key of a value it collides with),
// - or its render (a) passes the real `keepalived --config-test` on every director, scripts included, (b) reads — with
//   oracles that follow keepalived's lexer, systemd-sysctl, modules-load, kmod, systemd and nft — as exactly the
//   fixture's render with the value in its place and nothing else changed (scripts: keepalived's argv is the intended
//   words, and the real keepalived runs them so), and (c) every sysctl/modules file holds exactly the lines the host
//   state applies.
// Bounded: FUZZ_STRINGS values per string field (110), every integer bound; a fixed seed (FUZZ_SEED); about a minute.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { clusterSchema } from "../../../core/config/schema";
import { validateCluster } from "../../../core/config/validate";
import { configKey, ConfigIssue, PathPart } from "../../../core/config/issues";
import { secretReferences } from "../../../core/config/secrets";
import { buildModel } from "../../../core/model/cluster";
import { renderCluster, HostState } from "../../../core/render/host-state";
import { scriptWords } from "../../../core/formats/keepalived";
import { schemaFields, patternText, SchemaField } from "../../support/fuzz/schema-fields";
import { fuzzFixture, FIXTURE_PASSWORD, REFERENCES } from "../../support/fuzz/fixture";
import { hostileStrings, integerMarkers, integerValues } from "../../support/fuzz/values";
import { instanceOf, Instance, withValue } from "../../support/fuzz/instances";
import { renderedTree, substitute, Substitution } from "../../support/fuzz/rendered-tree";
import { ConfigFiles, keepalivedConfigTests, keepalivedConfigTestsInParallel } from "../../support/keepalived-check";
import { readKeepalived } from "../../support/readers/keepalived-lexer";
import { runKeepalived } from "../../support/keepalived-run";

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const STRING_CAP = Number(process.env.FUZZ_STRINGS ?? 110);
const CONF = "/etc/keepalived/keepalived.conf";

const fixture = fuzzFixture();
/** FUZZ_ONLY=healthCheck.path narrows the run to matching fields, for debugging. */
const fields = schemaFields(clusterSchema).filter((f) => !process.env.FUZZ_ONLY || patternText(f.pattern).includes(process.env.FUZZ_ONLY));

interface FieldReport {
  field: string;
  kind: SchemaField["kind"];
  configs: number;
  rejected: number;
  accepted: number;
  failures: string[];
}

function render(config: unknown, password = FIXTURE_PASSWORD): { hosts?: HostState[]; issues: ConfigIssue[] } {
  const result = validateCluster(config);
  if (!result.ok) return { issues: result.issues };
  const secrets = Object.fromEntries(secretReferences(result.config!).map((r) => [r.key, password]));
  return { hosts: renderCluster(buildModel(result.config!), { secrets }), issues: result.issues };
}

/** `pulumi-lvs:cluster.hosts[1]["a b"]` → ["hosts", 1, "a b"]. */
function pathOfKey(key: string): PathPart[] {
  const parts: PathPart[] = [];
  for (const m of key.replace(/^pulumi-lvs:cluster/, "").matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g))
    parts.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(m[3])));
  return parts;
}

const valueAt = (root: any, path: PathPart[]) => path.reduce((n, p) => (n === undefined || n === null ? undefined : n[p]), root);
/** JSON with object keys sorted: maps (sysctl entries) compare as sets. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : x));
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** The first place two readings differ, for a failure message. */
function firstDifference(a: unknown, b: unknown, at = ""): string {
  if (same(a, b)) return "";
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if (!same(a[i], b[i])) return firstDifference(a[i], b[i], `${at}[${i}]`);
  } else if (a && b && typeof a === "object" && typeof b === "object") {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      if (!same((a as any)[k], (b as any)[k])) return firstDifference((a as any)[k], (b as any)[k], `${at}.${k}`);
  }
  return `${at}: read ${JSON.stringify(a)?.slice(0, 300)}, expected ${JSON.stringify(b)?.slice(0, 300)}`;
}

interface Pending {
  report: FieldReport;
  value: unknown;
}

const configTests = new Map<string, { files: ConfigFiles; from: Pending[] }>();
const scriptRuns: { line: string; expected: string[]; from: Pending }[] = [];

function queueConfigTests(hosts: HostState[], from: Pending): void {
  for (const h of hosts.filter((x) => x.roles.includes("director"))) {
    const files = h.files.filter((f) => f.path.startsWith("/etc/keepalived/")).map((f) => ({ path: f.path, content: f.content, mode: f.mode }));
    const id = createHash("sha256").update(JSON.stringify(files)).digest("hex");
    if (!configTests.has(id)) configTests.set(id, { files, from: [] });
    configTests.get(id)!.from.push(from);
  }
}

/** Script lines whose words come from the value: each is run by the real keepalived, which must exec exactly them. */
function queueScriptRuns(hosts: HostState[], words: string[], from: Pending): void {
  const conf = hosts.find((h) => h.roles.includes("director"))?.files.find((f) => f.path === CONF)?.content ?? "";
  for (const line of conf.split("\n").filter((l) => /^\s*(script|misc_path) /.test(l))) {
    const argv = readKeepalived({ [CONF]: `vrrp_script x {\n${line}\n}\n` }).statements[0]?.block?.[0]?.argv;
    if (same(argv, words)) scriptRuns.push({ line: line.replace(/^(\s*)misc_path /, "$1script "), expected: words.slice(1), from });
  }
}

/** Two base values whose renders agree under substitution: their places in the files are exactly the field's. */
function chooseBase(field: SchemaField, instance: Instance, pattern: readonly string[]): { base: unknown; tree: unknown; failure?: string } {
  const refs = REFERENCES[pattern.join(".")] ?? [];
  if (field.values) return { base: instance.base, tree: undefined };
  const candidates: unknown[] =
    field.kind === "integer" ? integerMarkers(field) : [...(typeof instance.base === "string" ? [instance.base] : []), ...hostileStrings(field, undefined, SEED, STRING_CAP)];
  const accepted: { value: unknown; tree: unknown }[] = [];
  for (const value of candidates) {
    const { hosts } = render(withValue(fixture, pattern, instance, value, refs).config);
    if (!hosts) continue;
    const rt = renderedTree(hosts);
    if (rt.problems.length === 0) accepted.push({ value, tree: rt.tree });
    if (accepted.length === 6) break;
  }
  if (accepted.length === 0) return { base: undefined, tree: undefined };
  if (accepted.length === 1) return { base: accepted[0].value, tree: accepted[0].tree };
  // The first pair that agrees: a value that also occurs elsewhere in the files (an integer as a timeout) cannot mark.
  let disagreement = "";
  for (const [i, a] of accepted.entries())
    for (const b of accepted.slice(i + 1)) {
      const expected = substitute(a.tree, substitution(field, a.value, b.value));
      if (same(expected, b.tree)) return { base: a.value, tree: a.tree };
      disagreement ||= `base values ${JSON.stringify(a.value)} and ${JSON.stringify(b.value)} do not land in the same places: ${firstDifference(b.tree, expected)}`;
    }
  return { base: accepted[0].value, tree: accepted[0].tree, failure: disagreement };
}

function substitution(field: SchemaField, from: unknown, to: unknown): Substitution {
  const integer = field.kind === "integer" && typeof from === "number";
  const sub: Substitution = { from: String(from), to: String(to), integer };
  if (!integer && typeof from === "string" && typeof to === "string") sub.argv = { from: scriptWords(from), to: scriptWords(to) };
  return sub;
}

function fuzzField(field: SchemaField): FieldReport {
  const name = `${patternText(field.pattern)} (${field.kind})`;
  const report: FieldReport = { field: name, kind: field.kind, configs: 0, rejected: 0, accepted: 0, failures: [] };
  const instance = instanceOf(fixture, field.pattern);
  if (!instance) {
    report.failures.push("the fuzz fixture has no place for this field (test/support/fuzz/fixture.ts)");
    return report;
  }
  const refs = REFERENCES[field.pattern.join(".")] ?? [];
  const base = chooseBase(field, instance, field.pattern);
  if (base.failure) report.failures.push(base.failure);
  const values = field.kind === "string" ? hostileStrings(field, typeof instance.base === "string" ? instance.base : undefined, SEED, STRING_CAP) : integerValues(field);
  for (const value of values) {
    report.configs++;
    const { config, path } = withValue(fixture, field.pattern, instance, value, refs);
    const key = configKey(path);
    const { hosts, issues } = render(config);
    const show = JSON.stringify(value)?.slice(0, 120);
    // One of the field's own closed set of values (an enum member) is the schema's to allow: it may need other
    // settings (MISC needs a script) and changes what is rendered, so it must render cleanly, not as a substitution.
    const member = field.values?.includes(value) ?? false;
    if (!hosts) {
      report.rejected++;
      const errors = issues.filter((i) => i.severity === "error");
      const named = member || errors.some((i) => i.key === key || (i.key !== key && same(valueAt(config, pathOfKey(i.key)), value)));
      if (!named) report.failures.push(`${show}: rejected without naming ${key}: ${errors.map((i) => `${i.key}: ${i.message}`).join("; ")}`);
      continue;
    }
    report.accepted++;
    const rt = renderedTree(hosts);
    if (rt.problems.length > 0) report.failures.push(`${show}: accepted, but the readers object: ${rt.problems.join("; ")}`);
    if (member) {
      queueConfigTests(hosts, { report, value });
      continue;
    }
    if (base.tree === undefined) {
      report.failures.push(`${show}: accepted, but no base render to compare with`);
      continue;
    }
    const sub = substitution(field, base.base, value);
    const expected = substitute(base.tree, sub);
    if (!same(rt.tree, expected)) report.failures.push(`${show}: accepted, but the files do not read as intended: ${firstDifference(rt.tree, expected)}`);
    const pending = { report, value };
    queueConfigTests(hosts, pending);
    if (typeof value === "string" && sub.argv && !same(sub.argv.from, sub.argv.to)) queueScriptRuns(hosts, scriptWords(value), pending);
  }
  return report;
}

async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return out;
}

const scriptConf = (line: string) =>
  ["global_defs {", "    router_id fz", "    enable_script_security", "    script_user keepalived_script", "}", "vrrp_script fz {", line, "    interval 1", "}",
    "vrrp_instance VI_1 {", "    state BACKUP", "    interface eth0", "    virtual_router_id 51", "    priority 100", "    virtual_ipaddress {", "        10.0.0.100/32 dev eth0", "    }",
    "    track_script {", "        fz", "    }", "}", ""].join("\n");

test("fuzz: every string and integer field of the schema is refused by key, or renders exactly as intended", async () => {
  const started = Date.now();
  const reports = fields.map(fuzzField);

  const tests = [...configTests.values()];
  const verdicts = await keepalivedConfigTestsInParallel(tests.map((t) => t.files), 4);
  tests.forEach((t, i) => {
    if (verdicts[i].ok) return;
    for (const from of t.from) from.report.failures.push(`${JSON.stringify(from.value)?.slice(0, 120)}: keepalived --config-test rejects the render: ${verdicts[i].stderr.trim().slice(0, 400)}`);
  });

  const lines = [...new Set(scriptRuns.map((r) => r.line))];
  const runs = new Map((await inBatches(lines, 40, async (line) => [line, await runKeepalived(scriptConf(line), { dumpAs: ["/bin/true"] })] as const)));
  scriptRuns.forEach((r) => {
    const call = runs.get(r.line)!.calls[0];
    if (!same(call, r.expected)) r.from.report.failures.push(`${JSON.stringify(r.from.value)}: keepalived runs ${JSON.stringify(call)} for ${r.line.trim()}, not ${JSON.stringify(r.expected)}`);
  });

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  for (const r of reports) console.log(`fuzz: ${r.field}: ${r.configs} configs (${r.rejected} refused, ${r.accepted} accepted)${r.failures.length ? `, ${r.failures.length} FAILED` : ""}`);
  const strings = reports.filter((r) => r.kind === "string");
  const integers = reports.filter((r) => r.kind === "integer");
  const total = reports.reduce((n, r) => n + r.configs, 0);
  console.log(
    `fuzz: seed ${SEED}: ${strings.length} string fields (≤ ${STRING_CAP} configs each), ${integers.length} integer fields; ${total} configs, ` +
      `${reports.reduce((n, r) => n + r.accepted, 0)} accepted and rendered, ${tests.length} distinct director configs through keepalived --config-test, ` +
      `${lines.length} distinct script lines run by keepalived; ${seconds} s`,
  );
  const failures = reports.flatMap((r) => r.failures.slice(0, 5).map((f) => `${r.field}: ${f}`));
  assert.deepEqual(failures, []);
});

// Secret values are not in the schema (the config holds only references), but the VRRP password enters an include:
// each is refused when the plan renders with it, by the secret's key, or reads back as exactly itself.
test("fuzz: VRRP passwords are refused by the secret's key, or keepalived reads them whole", () => {
  const passwords = hostileStrings({ pattern: ["password"], kind: "string" }, "Pw1", SEED, STRING_CAP);
  const accepted: { password: string; files: ConfigFiles }[] = [];
  const failures: string[] = [];
  for (const password of passwords) {
    let hosts: HostState[] | undefined;
    try {
      hosts = render(fixture, password).hosts!;
    } catch (e) {
      const issues = (e as { issues?: ConfigIssue[] }).issues ?? [];
      if (!(issues.length === 1 && issues[0].key === "pulumi-lvs:fzVrrpPass")) failures.push(`${JSON.stringify(password)}: ${(e as Error).message}`);
      // A refusal by character says where, never which: "the character at position N".
      else if (/ at position \d+ is refused/.test(issues[0].message) && !/the character at position \d+ is refused/.test(issues[0].message))
        failures.push(`${JSON.stringify(password)}: the refusal shows part of the secret: ${issues[0].message}`);
      continue;
    }
    const director = hosts.find((h) => h.roles.includes("director"))!;
    const files = director.files.filter((f) => f.path.startsWith("/etc/keepalived/")).map((f) => ({ path: f.path, content: f.content, mode: f.mode }));
    const reading = readKeepalived(Object.fromEntries(files.map((f) => [f.path, f.content])));
    const auth = reading.statements.flatMap((s) => s.block ?? []).flatMap((s) => s.block ?? []).filter((s) => s.words[0] === "auth_pass");
    if (reading.problems.length > 0 || auth.length !== 1 || !same(auth[0].words, ["auth_pass", password]))
      failures.push(`${JSON.stringify(password)}: read as ${JSON.stringify(auth.map((a) => a.words))}; ${reading.problems.map((p) => p.message).join("; ")}`);
    accepted.push({ password, files });
  }
  const verdicts = keepalivedConfigTests(accepted.map((a) => a.files));
  accepted.forEach((a, i) => verdicts[i].ok || failures.push(`${JSON.stringify(a.password)}: keepalived --config-test: ${verdicts[i].stderr.trim()}`));
  console.log(`fuzz: VRRP passwords: ${passwords.length} values, ${passwords.length - accepted.length} refused by the secret's key, ${accepted.length} read whole by keepalived`);
  assert.deepEqual(failures, []);
});
