// pulumi-lvs as another project's dependency: `npm pack`, a project outside the repo (examples/program, copied)
// installing the tarball, strict TypeScript over both typed forms (a misspelled key must not compile), the program's
// mocked deployment against the same cluster as a stack config, and a real-engine up / re-up / destroy on the lab,
// run with the consumer's own @pulumi/pulumi (one SDK: pulumi-lvs only peers with it).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LabState } from "../../lab/state";
import { startWeb, stopWeb } from "../../lab/web";
import { closePool } from "../../host/ssh";
import { assertBaseline, requestsFromClient, snapshotAll, waitForDataPath, CLIENT } from "../support/data-path";
import type { DriverRequest, DriverResult } from "../support/consumer-driver";
import { PASSPHRASE, pulumiCliDir } from "../support/engine";
import { ensureLab, labDown } from "../support/lab-session";
import { repoRoot } from "../support/repo-root";
import { labPrivateKey, VIP, VRRP_PASSWORD } from "./cluster";

const HOSTS = ["d1", "d2", "r1"];
// The stack, the StackReference, the ComposedCluster, Director ×2, RealServer, Vip, a HostConfig and a HostPrepare
// per host and r1's HostDiscovery (its serving interface is discovered).
const RESOURCES = 1 + 1 + 1 + 2 + 1 + 1 + 3 + 3 + 1;
const log = (l: string) => console.log(`consumer: ${l}`);

/**
 * Every resource counted once, all of one kind of change. The StackReference is a read, which the engine leaves out
 * of a preview's and an update's counts (the lab run showed `{"create":10}` for the 11, before the HostPrepares), and discards on destroy
 * (`{"delete":10,"discard":1}`).
 */
function assertChanges(changes: Record<string, number>, kind: "create" | "same" | "delete"): void {
  const want: Record<string, number> = kind === "delete" ? { delete: RESOURCES - 1, discard: 1 } : { [kind]: RESOURCES - 1 };
  const seen = Object.fromEntries(Object.entries(changes).filter(([, n]) => n > 0));
  assert.deepEqual(seen, want, `${JSON.stringify(changes)} (${RESOURCES} resources, the StackReference a read)`);
}
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Node ≥ 22 (this process's) first on PATH, for npm and tsc. */
const env = { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ""}` };

function run(cmd: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}, timeout = 10 * 60_000) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd, env: { ...env, ...extraEnv }, encoding: "utf8", timeout, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, out: `${r.stdout ?? ""}${r.stderr ?? ""}`, stdout: r.stdout ?? "", ms: Date.now() - t0 };
}

function ok(cmd: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}) {
  const r = run(cmd, args, cwd, extraEnv);
  assert.equal(r.code, 0, `${cmd} ${args.join(" ")} (in ${cwd}) exited ${r.code}:\n${r.out}`);
  return r;
}

const TYPOS = `import * as pulumi from "@pulumi/pulumi";
import { ComposedCluster, Director, LvsCluster } from "pulumi-lvs";
const cluster = new ComposedCluster("c", { name: "c", subnet: "10.0.0.0/24", vrrp: [{ name: "V" }] });
new Director("d1", { cluster, host: { name: "d1", address: pulumi.output("10.0.0.1") }, PRIORITY_KEY: 150 });
new LvsCluster("w", {
  config: {
    name: "w",
    hosts: [{ name: "h", address: pulumi.output("10.0.0.2") }],
    directors: [{ host: "h", priority: 150 }],
    vrrp: [{ name: "V" }],
    services: [{ name: "s", vip: "10.0.0.9", port: 80, SCHEDULER_KEY: "rr", realServers: [{ host: "h", weight: pulumi.output(2) }] }],
  },
});
`;

describe("pulumi-lvs as a library: packed, installed elsewhere, compiled strict, mocked, deployed by the real engine", { timeout: 40 * 60_000 }, () => {
  let tmp: string;
  let tarball: string;
  let project: string;

  before(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-consumer-")));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("npm pack: the library's dist, its templates and the schema, and no tests, lab, demo or bench", () => {
    // The tests run on a build (npm test builds first); pack it as is.
    const r = ok("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], repoRoot());
    const [packed] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(tmp, packed.filename);
    const files = packed.files.map((f) => f.path);
    log(`${packed.filename}: ${files.length} files in ${secs(r.ms)}`);
    for (const f of ["package.json", "dist/lib.js", "dist/lib.d.ts", "dist/components/host-config-provider.js", "dist/core/config/schema/index.js", "templates/keepalived.conf.hbs", "bin/pulumi-lvs", "dist/cli/main.js"])
      assert.ok(files.includes(f), `the tarball lacks ${f}`);
    const stray = files.filter((f) => /^(dist\/)?(test|lab|demo|bench|examples)\//.test(f) || f.endsWith(".test.js"));
    assert.deepEqual(stray, []);
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8"));
    assert.ok(manifest.peerDependencies["@pulumi/pulumi"] && !manifest.dependencies["@pulumi/pulumi"], "@pulumi/pulumi is a peer dependency, not a bundled one");
  });

  it("a project outside the repo installs the tarball; strict tsc compiles both forms, and misspelled keys do not compile", () => {
    project = path.join(tmp, "lvs-example");
    fs.cpSync(path.join(repoRoot(), "examples", "program"), project, { recursive: true });
    const install = ok("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], project);
    log(`npm install of the tarball in ${secs(install.ms)}`);
    // One SDK: pulumi-lvs resolves the project's @pulumi/pulumi, it brings none of its own.
    assert.ok(!fs.existsSync(path.join(project, "node_modules", "pulumi-lvs", "node_modules", "@pulumi")), "pulumi-lvs installed its own @pulumi/pulumi");
    const tsc = path.join(project, "node_modules", "typescript", "bin", "tsc");
    const build = ok(process.execPath, [tsc, "-p", "tsconfig.json"], project);
    log(`tsc --strict of the program (both forms) in ${secs(build.ms)}`);

    fs.writeFileSync(path.join(project, "tsconfig.typos.json"), JSON.stringify({ extends: "./tsconfig.json", include: ["typos.ts"], compilerOptions: { noEmit: true } }));
    const typed = (priority: string, scheduler: string) => {
      fs.writeFileSync(path.join(project, "typos.ts"), TYPOS.replace("PRIORITY_KEY", priority).replace("SCHEDULER_KEY", scheduler));
      return run(process.execPath, [tsc, "-p", "tsconfig.typos.json"], project);
    };
    const bad = typed("priorty", "schedular");
    assert.notEqual(bad.code, 0, "misspelled keys compiled");
    assert.match(bad.out, /typos\.ts\(4,\d+\): error TS\d+: .*'priorty'/);
    assert.match(bad.out, /typos\.ts\(11,\d+\): error TS\d+: .*'schedular'/);
    // Control: the same file spelled right compiles, so the errors above are the misspellings'.
    const good = typed("priority", "scheduler");
    assert.equal(good.code, 0, good.out);
  });

  it("the program's mocked deployment renders the stack config's host state, in both forms; a different stack config does not match", () => {
    for (const form of ["composed", "whole"]) {
      const r = ok(process.execPath, [path.join("dist", "test", "equivalence.js"), form], project);
      log(r.stdout.trim().split("\n").pop()!);
      assert.match(r.stdout, new RegExp(`equivalent \\(${form}\\): 3 hosts`));
    }
    const other = path.join(tmp, "other-stack-config.yaml");
    fs.writeFileSync(other, fs.readFileSync(path.join(project, "test", "stack-config.yaml"), "utf8").replace("realServers: [ { host: r1 } ]", "realServers: [ { host: r1, weight: 2 } ]"));
    const r = run(process.execPath, [path.join("dist", "test", "equivalence.js"), "composed"], project, { EQUIVALENT_STACK_CONFIG: other });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /[a-z0-9]+: the program's HostConfig inputs differ from the stack config's/);
  });

  describe("the real engine: the program deployed on the lab, re-run, destroyed", () => {
    let lab: LabState;
    let booted = false;
    let baseline = new Map<string, string>();
    let created = false;
    let base: Omit<DriverRequest, "op" | "project" | "stack" | "config" | "program">;
    const t0 = Date.now();

    type Req = Pick<DriverRequest, "op" | "project" | "stack" | "config" | "program">;
    const driveRaw = (req: Req) => run(process.execPath, ["drive.js", JSON.stringify({ ...base, ...req })], project, {}, 15 * 60_000);
    const drive = (req: Req): DriverResult & { output: string } => {
      const r = driveRaw(req);
      const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
      assert.ok(r.code === 0 && line, `${req.op} of ${req.project}/${req.stack} failed (exit ${r.code}):\n${r.out}`);
      return { ...(JSON.parse(line.slice("RESULT ".length)) as DriverResult), output: r.out };
    };
    const infra = (op: "up" | "destroy", addresses: Record<string, string> = Object.fromEntries(HOSTS.map((h) => [h, lab.hosts[h].address]))) =>
      drive({ op, project: "infra", stack: "lab", config: {}, program: { kind: "outputs", outputs: { addresses } } });
    const consumerRequest = (op: DriverRequest["op"]): Req => ({
        op,
        project: "lvs-example",
        stack: "lab",
        program: { kind: "consumer" },
        config: {
          "lvs-example:infraStack": { value: "organization/infra/lab" },
          "lvs-example:knownHostsFile": { value: lab.knownHosts },
          "lvs-example:subnet": { value: lab.subnet },
          "lvs-example:vip": { value: VIP },
          "pulumi-lvs:sshKey": { value: labPrivateKey(lab), secret: true },
          "pulumi-lvs:vrrpPassword": { value: VRRP_PASSWORD, secret: true },
        },
      });
    const consumer = (op: DriverRequest["op"]) => drive(consumerRequest(op));

    before(async () => {
      assert.ok(project, "the consumer project was built by the tests above");
      ({ lab, booted } = ensureLab());
      fs.copyFileSync(path.join(repoRoot(), "dist", "test", "support", "consumer-driver.js"), path.join(project, "drive.js"));
      base = { cliDir: pulumiCliDir(), backendDir: path.join(tmp, "backend"), home: path.join(tmp, "pulumi-home"), passphrase: PASSPHRASE };
      fs.mkdirSync(base.backendDir, { recursive: true });
      baseline = await snapshotAll(lab, [...HOSTS, CLIENT]);
      startWeb(lab, ["r1"]);
    });

    after(async () => {
      try {
        if (created) {
          try {
            consumer("destroy");
          } catch (e) {
            log(`cleanup destroy failed: ${(e as Error).message}`);
          }
        }
        stopWeb(lab, ["r1"]);
      } finally {
        closePool();
        log(`lab part wall time: ${secs(Date.now() - t0)}`);
        if (booted && process.env.KEEP_LAB !== "1") labDown();
      }
    });

    it("up: the VIP answers from r1 through the expected MASTER; a re-run changes nothing; the secrets stay encrypted; destroy restores every host", async () => {
      // Bad input through a wired leaf: the infra stack publishes an address that is not one. The program fails by the
      // config key once the value resolves, before any host is touched (a preview: nothing is applied either way).
      infra("up", { ...Object.fromEntries(HOSTS.map((h) => [h, lab.hosts[h].address])), d2: "10.77.0.300" });
      const refused = driveRaw(consumerRequest("preview"));
      assert.notEqual(refused.code, 0, `a preview with d2 at 10.77.0.300 succeeded:\n${refused.out}`);
      assert.match(refused.out, /pulumi-lvs:cluster\.hosts\[1\]\.address: must be a valid IPv4 or IPv6 address/);
      log(`an invalid address from the infra stack is refused by its key (preview exit ${refused.code} in ${secs(refused.ms)})`);

      const i = infra("up");
      log(`infra stack (the machines' addresses) up: ${JSON.stringify(i.changes)} in ${secs(i.ms)}`);
      // Control for the refusal above: the same preview with the right addresses passes.
      const previewed = consumer("preview");
      assertChanges(previewed.changes, "create");

      const u = consumer("up");
      created = true;
      log(`up: ${JSON.stringify(u.changes)} in ${secs(u.ms)}`);
      assertChanges(u.changes, "create");
      assert.equal(u.outputs.vipAddress, VIP);
      assert.equal(u.outputs.expectedMaster, "d1");
      assert.deepEqual(Object.keys(u.outputs.configHashes as Record<string, string>).sort(), HOSTS);
      const settled = await waitForDataPath(lab, { vip: VIP, service: `-t ${VIP}:80`, dests: [`${lab.hosts.r1.address}:80`], master: "d1" });
      const answers = await requestsFromClient(lab, `http://${VIP}/`, 6);
      log(`6 requests from c1 ${settled.toFixed(1)} s after up: ${JSON.stringify(answers.counts)}, ${answers.errors.length} errors`);
      assert.deepEqual(answers.errors, []);
      assert.deepEqual(answers.counts, { r1: 6 });

      const again = consumer("up");
      log(`re-run up: ${JSON.stringify(again.changes)} in ${secs(again.ms)}`);
      assertChanges(again.changes, "same");
      assert.deepEqual(again.outputs.configHashes, u.outputs.configHashes);

      const backend = readAll(base.backendDir);
      assert.ok(backend.includes("lvs-example"), "the backend holds the consumer's stack (control for the checks below)");
      assert.ok(!backend.includes(VRRP_PASSWORD), "the VRRP password is in the state in plain text");
      assert.ok(!backend.includes(labPrivateKey(lab).split("\n")[1]), "the SSH key is in the state in plain text");
      assert.ok(![u.output, again.output].some((o) => o.includes(VRRP_PASSWORD)), "the VRRP password was printed");

      const d = consumer("destroy");
      created = false;
      log(`destroy: ${JSON.stringify(d.changes)} in ${secs(d.ms)}`);
      assertChanges(d.changes, "delete");
      stopWeb(lab, ["r1"]);
      await assertBaseline(lab, baseline, log);
      infra("destroy");
    });
  });
});

function readAll(dir: string): string {
  const texts: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) texts.push(fs.readFileSync(path.join(e.parentPath, e.name), "utf8"));
  return texts.join("\n");
}
