// The real Pulumi engine for tests: the CLI built by .ci/pulumi-cli, a file backend, a passphrase secrets provider,
// and Automation API inline programs that run a pulumi-lvs package's own stack program (program/stack.ts), from any
// folder that holds a build of the package (this checkout, a copy elsewhere on disk, an older release).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import {
  DestroyResult,
  EngineEvent,
  LocalWorkspace,
  PreviewResult,
  PulumiCommand,
  RefreshResult,
  Stack,
  UpResult,
} from "@pulumi/pulumi/automation";
import { engineEnv, findPulumiCli, PROJECT } from "../../program/engine";
import { repoRoot } from "./repo-root";

export { PROJECT };
export const PASSPHRASE = "engine-test-passphrase";

/** The folder holding the `pulumi` binary, built by .ci/pulumi-cli when its cache lacks it. */
export function pulumiCliDir(): string {
  const cli = findPulumiCli({ build: true });
  if (!cli) throw new Error("no pulumi CLI: .ci/pulumi-cli could not build one and none is on PATH");
  return cli.dir;
}

/** `pulumi-language-nodejs` on PATH: a user's normal install, which the Go module proxy does not serve. */
export function languageHostOnPath(): string | undefined {
  const r = spawnSync("sh", ["-c", "command -v pulumi-language-nodejs"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * How one folder runs the stack program. `root` is a package root (its package.json is pulumi-lvs); `workDir` is
 * where the workspace lives (the provider host's working directory); `load` returns the program's outputs.
 */
export interface Checkout {
  label: string;
  root: string;
  workDir: string;
  /** The inline program; none runs the workspace's own Pulumi.yaml (with the language host). */
  program?: () => Promise<Record<string, unknown>>;
}

/** A build of the current package at `root`, its stack program as the inline program. */
export function currentCheckout(label: string, root: string, workDir = root): Checkout {
  return {
    label,
    root,
    workDir,
    program: async () => {
      const { stackProgram } = require(path.join(root, "dist", "program", "stack.js")) as typeof import("../../program/stack");
      return { ...stackProgram() };
    },
  };
}

/**
 * A release whose program is a top-level index.js (exports = stack outputs). Its loader records the provider's path
 * relative to the working directory, as `pulumi up` from the project directory would: so it is required from `root`.
 */
export function releaseCheckout(label: string, root: string): Checkout {
  return {
    label,
    root,
    workDir: root,
    program: async () => {
      const file = path.join(root, "dist", "index.js");
      const before = process.cwd();
      process.chdir(root);
      try {
        delete require.cache[file];
        return { ...(require(file) as Record<string, unknown>) };
      } finally {
        process.chdir(before);
      }
    },
  };
}

/**
 * A checkout run as a project (`pulumi up` of its Pulumi.yaml, the compiled program), which needs the
 * `pulumi-language-nodejs` language host on PATH.
 */
export function projectCheckout(label: string, root: string): Checkout {
  const workDir = path.join(root, ".engine-work", "project");
  fs.mkdirSync(workDir, { recursive: true });
  fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), stringify({ name: PROJECT, runtime: "nodejs", main: path.join(root, "dist", "index.js") }));
  return { label, root, workDir };
}

/** A copy of this checkout's build in another folder: package.json, Pulumi.yaml, dist, templates; node_modules linked. */
export function copyCheckout(into: string): string {
  const root = repoRoot();
  fs.mkdirSync(into, { recursive: true });
  for (const entry of ["package.json", "dist", "templates"]) fs.cpSync(path.join(root, entry), path.join(into, entry), { recursive: true });
  fs.symlinkSync(path.join(root, "node_modules"), path.join(into, "node_modules"));
  return into;
}

/**
 * Builds the tree of `commit` into `into` (git archive + tsc), node_modules linked to this checkout's: a deployment
 * made by that release can then be updated and destroyed by the current code.
 */
export function buildRelease(commit: string, into: string): string {
  const root = repoRoot();
  fs.mkdirSync(into, { recursive: true });
  const archive = spawnSync("sh", ["-c", `git -C ${JSON.stringify(root)} archive ${commit} | tar -x -C ${JSON.stringify(into)}`], { encoding: "utf8" });
  if (archive.status !== 0) throw new Error(`git archive ${commit}: ${archive.stderr}`);
  fs.symlinkSync(path.join(root, "node_modules"), path.join(into, "node_modules"));
  const tsc = spawnSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: into, encoding: "utf8", timeout: 10 * 60_000 });
  if (tsc.status !== 0) throw new Error(`building release ${commit}: ${tsc.stdout}${tsc.stderr}`);
  return into;
}

export interface Recorded {
  /** Everything the engine printed during the operation (default verbosity). */
  output: string;
  /** Engine events with the time they arrived. */
  events: { at: number; event: EngineEvent }[];
  ms: number;
}

/** One stack on a file backend, operated from whichever checkout a step names. */
export class EngineStack {
  /** Every line the engine printed during this stack's operations, for the secrets checks. */
  allOutput = "";

  constructor(
    readonly name: string,
    readonly backendDir: string,
    private readonly cliDir: string,
    private readonly home: string,
  ) {
    fs.mkdirSync(backendDir, { recursive: true });
    fs.mkdirSync(home, { recursive: true });
  }

  env(): Record<string, string> {
    return engineEnv({ cliDir: this.cliDir, backendDir: this.backendDir, passphrase: PASSPHRASE, home: this.home });
  }

  private stackFile(workDir: string): string {
    return path.join(workDir, `Pulumi.${this.name}.yaml`);
  }

  /** Writes the stack config (the cluster value as structured YAML), keeping the secrets already set. */
  writeConfig(checkout: Checkout, cluster: unknown, extra: Record<string, string> = {}): void {
    fs.mkdirSync(checkout.workDir, { recursive: true });
    const file = this.stackFile(checkout.workDir);
    const current = fs.existsSync(file) ? (require("yaml").parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown>; encryptionsalt?: string }) : {};
    const config = { ...(current.config ?? {}), [`${PROJECT}:cluster`]: cluster } as Record<string, unknown>;
    for (const [k, v] of Object.entries(extra)) config[`${PROJECT}:${k}`] = v;
    fs.writeFileSync(file, stringify({ ...(current.encryptionsalt ? { encryptionsalt: current.encryptionsalt } : {}), config }));
  }

  /** The same stack settings (config, encrypted secrets, salt) in another checkout's workspace. */
  carryConfig(from: Checkout, to: Checkout): void {
    if (from.workDir === to.workDir) return;
    fs.mkdirSync(to.workDir, { recursive: true });
    fs.copyFileSync(this.stackFile(from.workDir), this.stackFile(to.workDir));
  }

  async stack(checkout: Checkout): Promise<Stack> {
    fs.mkdirSync(checkout.workDir, { recursive: true });
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(this.cliDir), skipVersionCheck: true });
    const ws = await LocalWorkspace.create({
      workDir: checkout.workDir,
      program: checkout.program,
      pulumiCommand,
      envVars: this.env(),
      ...(checkout.program ? { projectSettings: { name: PROJECT, runtime: "nodejs" } } : {}),
    });
    return Stack.createOrSelect(this.name, ws);
  }

  async setSecret(checkout: Checkout, key: string, value: string): Promise<void> {
    await (await this.stack(checkout)).setConfig(`${PROJECT}:${key}`, { value, secret: true });
  }

  private recorder(): { out: (s: string) => void; ev: (e: EngineEvent) => void; done: (t0: number) => Recorded } {
    let output = "";
    const events: Recorded["events"] = [];
    return {
      out: (s) => (output += s),
      ev: (event) => events.push({ at: Date.now(), event }),
      done: (t0) => {
        this.allOutput += output;
        return { output, events, ms: Date.now() - t0 };
      },
    };
  }

  async preview(checkout: Checkout): Promise<PreviewResult & Recorded> {
    const r = this.recorder();
    const t0 = Date.now();
    const res = await (await this.stack(checkout)).preview({ diff: true, color: "never", onOutput: r.out, onEvent: r.ev });
    return { ...res, ...r.done(t0) };
  }

  async up(checkout: Checkout): Promise<UpResult & Recorded> {
    const r = this.recorder();
    const t0 = Date.now();
    const res = await (await this.stack(checkout)).up({ diff: true, color: "never", onOutput: r.out, onEvent: r.ev });
    return { ...res, ...r.done(t0) };
  }

  async refresh(checkout: Checkout): Promise<RefreshResult & Recorded> {
    const r = this.recorder();
    const t0 = Date.now();
    const res = await (await this.stack(checkout)).refresh({ color: "never", onOutput: r.out, onEvent: r.ev });
    return { ...res, ...r.done(t0) };
  }

  async destroy(checkout: Checkout): Promise<DestroyResult & Recorded> {
    const r = this.recorder();
    const t0 = Date.now();
    const res = await (await this.stack(checkout)).destroy({ color: "never", onOutput: r.out, onEvent: r.ev });
    return { ...res, ...r.done(t0) };
  }

  /** The stack's state as the file backend stores it (secrets encrypted). */
  rawState(): { deployment: { resources: StateResource[] } } {
    const file = path.join(this.backendDir, ".pulumi", "stacks", PROJECT, `${this.name}.json`);
    const checkpoint = JSON.parse(fs.readFileSync(file, "utf8")) as { checkpoint: { latest: { resources: StateResource[] } } };
    return { deployment: { resources: checkpoint.checkpoint.latest?.resources ?? [] } };
  }

  /** The CLI itself in the checkout's workspace (e.g. `stack export --show-secrets`). */
  cli(checkout: Checkout, args: string[]): string {
    const r = spawnSync(path.join(this.cliDir, "pulumi"), [...args, "--stack", this.name, "--non-interactive"], {
      cwd: checkout.workDir,
      encoding: "utf8",
      env: { ...process.env, ...this.env() },
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")}: exit ${r.status}: ${r.stderr}`);
    return r.stdout;
  }

  /** Every file of the backend (state, history, backups) as text. */
  rawBackend(): string {
    const texts: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else texts.push(fs.readFileSync(p, "utf8"));
      }
    };
    walk(this.backendDir);
    return texts.join("\n");
  }
}

export interface StateResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** The stored `__provider` text of every dynamic resource, by URN. */
export function storedProviders(state: { deployment: { resources: StateResource[] } }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of state.deployment.resources) {
    const p = r.outputs?.__provider;
    if (typeof p === "string") out[r.urn] = p;
  }
  return out;
}

type Step = { op: string; name: string; type: string; at: number };

/** Resource operations as the engine reported them, with the time each event arrived, from `pick`'s metadata. */
function steps(events: Recorded["events"], pick: (e: EngineEvent) => { op: string; urn: string; type: string } | undefined): Step[] {
  const out: Step[] = [];
  for (const { at, event } of events) {
    const m = pick(event);
    if (m) out.push({ op: m.op, name: m.urn.split("::").pop()!, type: m.type, at });
  }
  return out;
}

/** The resource operations the engine ran, in the order they finished, as `op name` ("update lvs-d1-config"). */
export const finishedSteps = (events: Recorded["events"]): Step[] => steps(events, (e) => e.resOutputsEvent?.metadata);

/** When each resource operation started (`resourcePreEvent`). */
export const startedSteps = (events: Recorded["events"]): Step[] => steps(events, (e) => e.resourcePreEvent?.metadata);
