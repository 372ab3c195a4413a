// The serialized provider text is the same from every checkout folder, and loads the implementation from whatever
// folder the engine's provider host runs in: a checkout (or a folder inside it), or a project with pulumi-lvs in its
// node_modules. Each case runs in a child process with that working directory, as the engine's host would.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { serializedHostConfigProvider } from "../../../components/host-config-provider";
import { serializedHostDiscoveryProvider } from "../../../components/host-discovery-provider";
import { packageRelative } from "../../../components/provider-loader";
import { repoRoot } from "../../support/repo-root";

const root = repoRoot();
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));

/** A copy of the built package in another folder (dist, templates, package.json; node_modules linked). */
function copyPackage(into: string): string {
  fs.mkdirSync(into, { recursive: true });
  for (const entry of ["package.json", "dist", "templates"]) fs.cpSync(path.join(root, entry), path.join(into, entry), { recursive: true });
  fs.symlinkSync(path.join(root, "node_modules"), path.join(into, "node_modules"));
  return into;
}

/** Runs `script` with node in `cwd`; returns its stdout (throws with stderr on failure). */
function nodeIn(cwd: string, script: string): string {
  const r = spawnSync(process.execPath, ["-e", script], { cwd, encoding: "utf8", timeout: 120_000, env: { ...process.env, NODE_PATH: "" } });
  if (r.status !== 0) throw new Error(`node in ${cwd} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const serializeIn = (pkg: string, module: string, exportName: string) =>
  nodeIn(
    pkg,
    `const pulumi = require(${JSON.stringify(path.join(pulumiDir))});
     const m = require(${JSON.stringify(path.join(pkg, "dist/components", module))});
     const provider = m[${JSON.stringify(exportName)}];
     // As @pulumi/pulumi's dynamic.Resource serializes its provider argument.
     pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true }).then((s) => process.stdout.write(s.text));`,
  );

/** Loads `text` the way the engine's host does (requireFromString from its cwd), calls check, names the module loaded. */
const loadIn = (cwd: string, text: string) =>
  nodeIn(
    cwd,
    `const rfs = require(require.resolve("require-from-string", { paths: [${JSON.stringify(pulumiDir)}] }));
     const p = rfs(${JSON.stringify(text)}).handler();
     p.check({}, { host: "" }).then((r) => {
       const loaded = Object.keys(require.cache).filter((k) => k.endsWith("host-config-provider.js"));
       process.stdout.write(JSON.stringify({ failures: r.failures, loaded }));
     });`,
  );

describe("provider loader", () => {
  let tmp: string;
  let copy: string;
  let text: string;

  before(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-loader-")));
    copy = copyPackage(path.join(tmp, "elsewhere", "checkout"));
    text = serializeIn(root, "host-config-provider.js", "serializedHostConfigProvider");
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("names the implementation by its path inside the package", () => {
    assert.equal(packageRelative(path.join(root, "dist", "components", "host-config-provider.js")), "dist/components/host-config-provider.js");
    assert.match(text, /dist\/components\/host-config-provider\.js/);
    assert.ok(!text.includes(root), "the serialized text must not carry the checkout's absolute path");
  });

  it("serializes to the same text from another checkout folder and another working directory", async () => {
    assert.equal(serializeIn(copy, "host-config-provider.js", "serializedHostConfigProvider"), text);
    assert.equal(serializeIn(copy, "host-discovery-provider.js", "serializedHostDiscoveryProvider"), serializeIn(root, "host-discovery-provider.js", "serializedHostDiscoveryProvider"));
    // In this process (cwd = the repo) as well: the program's working directory plays no part.
    const provider = serializedHostConfigProvider;
    const here = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    assert.equal(here.text, text);
    void serializedHostDiscoveryProvider;
  });

  it("loads the implementation of the checkout the host runs in, from its root or a folder inside it", () => {
    for (const cwd of [copy, path.join(copy, "dist", "components")]) {
      const r = JSON.parse(loadIn(cwd, text));
      assert.deepEqual(r.loaded, [path.join(copy, "dist/components/host-config-provider.js")], `from ${cwd}`);
      assert.equal(r.failures[0]?.property, "host", "the implementation's check ran");
    }
  });

  it("loads from node_modules/pulumi-lvs of a project that depends on it", () => {
    const consumer = path.join(tmp, "consumer");
    fs.mkdirSync(path.join(consumer, "node_modules"), { recursive: true });
    fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    fs.symlinkSync(copy, path.join(consumer, "node_modules", "pulumi-lvs"));
    const r = JSON.parse(loadIn(consumer, text));
    assert.deepEqual(r.loaded, [path.join(copy, "dist/components/host-config-provider.js")]);
  });

  it("says where it looked when no pulumi-lvs package is reachable", () => {
    const lost = path.join(tmp, "lost");
    fs.mkdirSync(lost);
    assert.throws(() => loadIn(lost, text), /cannot find the pulumi-lvs package \(with dist\/components\/host-config-provider\.js\) from .*lost/);
  });
});
