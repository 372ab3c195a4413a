// The layer rule, checked on the source: core ← host ← components, with cli and demo on top. Every import counts,
// type-only ones included (`import type`, `typeof import(…)`), and so does a cycle between modules.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { builtinModules } from "node:module";
import { repoRoot } from "../../support/repo-root";

const root = repoRoot();

/** Where each top-level folder may import from (itself always). `index.ts` and `lib.ts` at the root count as `program`. */
const MAY_IMPORT: Record<string, string[]> = {
  core: [],
  host: ["core"],
  components: ["core", "host"],
  cli: ["core", "host"],
  program: ["core", "components"],
  demo: ["core", "host", "components", "cli", "lab", "program"],
  bench: ["core", "host", "components", "program", "lab"],
  lab: [],
};

/** Packages per layer; Node's built-ins are allowed everywhere except in core, which does no I/O (templates aside). */
const PACKAGES: Record<string, string[]> = {
  core: ["ajv", "ajv-formats", "handlebars", "yaml", "json-schema-to-ts"],
  host: ["ssh2"],
  components: ["@pulumi/pulumi", "typescript"],
  cli: [],
  program: ["@pulumi/pulumi", "@pulumi/pulumi/automation"],
  // The demo drives the engine through the Automation API (as program/engine.ts does), never the resource SDK.
  demo: ["yaml", "@pulumi/pulumi/automation"],
  bench: [],
  lab: [],
};
const CORE_BUILTINS: Record<string, string[]> = { "node:crypto": ["*"], "node:fs": ["core/render/templates.ts"], "node:path": ["core/render/templates.ts"] };

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(rel));
    else if (rel.endsWith(".ts")) out.push(rel);
  }
  return out;
}

const ROOT_FILES = ["index.ts", "lib.ts"];
const files = [...ROOT_FILES, ...Object.keys(MAY_IMPORT).filter((d) => fs.existsSync(path.join(root, d))).flatMap(sources)];
const layerOf = (file: string) => (ROOT_FILES.includes(file) ? "program" : file.split("/")[0]);

/** Every module specifier a file names: import/export … from, bare import, require(), import(), typeof import(). */
export function specifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  const found: string[] = [];
  for (const re of [/\b(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/g, /\bimport\s*["']([^"']+)["']/g, /\b(?:require|import)\s*\(\s*["']([^"']+)["']\s*\)/g, /\brequire\.resolve\s*\(\s*["']([^"']+)["']/g])
    for (const m of code.matchAll(re)) found.push(m[1]);
  return found;
}

function resolveLocal(from: string, spec: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const candidate of [`${base}.ts`, `${base}/index.ts`]) if (fs.existsSync(path.join(root, candidate))) return candidate;
  return undefined;
}

const isBuiltin = (spec: string) => spec.startsWith("node:") || builtinModules.includes(spec);
const packageOf = (spec: string) => (spec === "@pulumi/pulumi/automation" ? spec : spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);

const graph = new Map<string, string[]>();
const violations: string[] = [];
for (const file of files) {
  const layer = layerOf(file);
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const local: string[] = [];
  for (const spec of specifiers(text)) {
    if (spec.startsWith(".")) {
      const target = resolveLocal(file, spec);
      if (!target) {
        violations.push(`${file}: cannot resolve ${spec}`);
        continue;
      }
      local.push(target);
      const to = layerOf(target);
      if (to !== layer && !MAY_IMPORT[layer].includes(to)) violations.push(`${file} (${layer}) imports ${target} (${to})`);
    } else if (isBuiltin(spec)) {
      const name = spec.startsWith("node:") ? spec : `node:${spec}`;
      if (layer === "core" && !(CORE_BUILTINS[name] ?? []).some((f) => f === "*" || f === file)) violations.push(`${file} (core) uses ${spec}: core does no I/O`);
    } else if (!PACKAGES[layer].includes(packageOf(spec))) violations.push(`${file} (${layer}) imports the package ${spec}`);
  }
  graph.set(file, local);
}

function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, "open");
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === "open") found.push([...stack.slice(stack.indexOf(g)), g]);
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, "done");
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

test("the import scanner sees every form of import, type-only ones included", () => {
  const text = [
    'import type { A } from "./a";',
    'import { B,\n  C } from "./b";',
    'export { D } from "./d";',
    'export type { E } from "./e";',
    'import "./side-effect";',
    'const f = require("./f") as typeof import("./g");',
    'const h = await import("./h");',
    '// import { Z } from "./commented";',
  ].join("\n");
  assert.deepEqual(specifiers(text).sort(), ["./a", "./b", "./d", "./e", "./f", "./g", "./h", "./side-effect"]);
  assert.ok(files.length > 80, `only ${files.length} source files found`);
});

test("no import goes against the layers (core ← host ← components; cli and demo on top)", () => {
  assert.deepEqual(violations, []);
});

test("ssh2 is imported only in host/, @pulumi/pulumi only in components/ and the stack program (the demo: its Automation API)", () => {
  for (const file of files) {
    const specs = specifiers(fs.readFileSync(path.join(root, file), "utf8"));
    if (specs.some((s) => packageOf(s) === "ssh2")) assert.equal(layerOf(file), "host", file);
    if (specs.some((s) => packageOf(s) === "@pulumi/pulumi")) assert.ok(["components", "program"].includes(layerOf(file)), file);
  }
});

test("no import cycle, type-only imports included", () => {
  assert.deepEqual(cycles().map((c) => c.join(" → ")), []);
});

test("each of these is defined once: structureOf, sshTargetFor, expandHome, the secret-file split, the provider loader", () => {
  for (const name of ["structureOf", "sshTargetFor", "expandHome", "splitFiles", "delegatingProvider", "targetFor"]) {
    const defined = files.filter((f) => new RegExp(`\\bfunction ${name}\\b|\\bconst ${name}\\s*=`).test(fs.readFileSync(path.join(root, f), "utf8")));
    assert.equal(defined.length, 1, `${name} is defined in ${defined.join(", ") || "no file"}`);
  }
  const read = (f: string) => fs.readFileSync(path.join(root, f), "utf8");
  assert.deepEqual(files.filter((f) => /secretKeys\.length/.test(read(f))), ["core/render/host-state.ts"], "one predicate says which files are secret (isSecretFile)");
  assert.deepEqual(files.filter((f) => /\.filter\(\(?!?\s*(\w+\s*=>\s*!?)?isSecretFile/.test(read(f))), ["core/plan/desired.ts"], "one place splits secret files from the rest (splitFiles)");
});

test("no file under host/ reads or edits keepalived.conf syntax (the template is the only writer of its blocks)", () => {
  const syntax = /\b(real_server|virtual_server|vrrp_instance|vrrp_script|track_script|MISC_CHECK|TCP_CHECK|HTTP_GET|SSL_GET)\b|["'`/^]\\?s*\+?weight\b/;
  assert.deepEqual(files.filter((f) => f.startsWith("host/") && syntax.test(fs.readFileSync(path.join(root, f), "utf8"))), []);
});
