// The real Pulumi engine without the Node.js language host: the Automation API runs the stack program (program/
// stack.ts) inline in this process, the `pulumi` CLI (on PATH, or built by .ci/pulumi-cli) runs the deployment, and
// the dynamic-provider plugin comes from @pulumi/pulumi. Used by the demo and the engine tests.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { stackProgram } from "./stack";

export const PROJECT = "pulumi-lvs";

/** The package root of this checkout (its package.json). */
export function packageRoot(from = __dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
    dir = path.dirname(dir);
  }
  return dir;
}

/**
 * Where the `pulumi` CLI is: the build cached by .ci/pulumi-cli (the pinned version), else the one on PATH;
 * undefined when there is neither. `build` runs .ci/pulumi-cli to build it when missing (minutes, cold).
 */
export function findPulumiCli(options: { build?: boolean } = {}): { dir: string; how: string } | undefined {
  const script = path.join(packageRoot(), ".ci", "pulumi-cli");
  if (fs.existsSync(script)) {
    const r = spawnSync("bash", [script, ...(options.build ? [] : ["--cached"])], { encoding: "utf8", timeout: 40 * 60_000, stdio: ["ignore", "pipe", "inherit"] });
    const dir = r.stdout?.trim().split("\n").pop();
    if (r.status === 0 && dir) return { dir, how: `built from the Go module proxy by .ci/pulumi-cli (${dir})` };
  }
  const onPath = spawnSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" });
  if (onPath.status === 0) return { dir: path.dirname(onPath.stdout.trim()), how: `on PATH (${onPath.stdout.trim()})` };
  return undefined;
}

export interface EngineOptions {
  cliDir: string;
  /** The file backend's folder. */
  backendDir: string;
  passphrase: string;
  /** PULUMI_HOME (plugins, credentials); kept apart from the user's ~/.pulumi. */
  home: string;
}

/** The environment the CLI and its plugins run with. */
export function engineEnv(o: EngineOptions): Record<string, string> {
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  return {
    PULUMI_BACKEND_URL: `file://${o.backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: o.passphrase,
    PULUMI_HOME: o.home,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    // The dynamic-provider plugin ships in @pulumi/pulumi and runs `node` (>= 22: this process's).
    PATH: [o.cliDir, pulumiDir, path.dirname(process.execPath), process.env.PATH ?? ""].join(":"),
  };
}

/**
 * A stack whose workspace is `workDir` (the provider host's working directory: it must be inside a pulumi-lvs
 * checkout or a project depending on it) running `program` (default: this package's stack program) inline.
 */
export async function inlineStack(
  o: EngineOptions & { stackName: string; workDir: string; program?: () => Promise<Record<string, unknown>> },
): Promise<Stack> {
  for (const dir of [o.workDir, o.backendDir, o.home]) fs.mkdirSync(dir, { recursive: true });
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(o.cliDir), skipVersionCheck: true });
  const ws = await LocalWorkspace.create({
    workDir: o.workDir,
    program: o.program ?? (async () => ({ ...stackProgram() })),
    pulumiCommand,
    envVars: engineEnv(o),
    projectSettings: { name: PROJECT, runtime: "nodejs" },
  });
  return Stack.createOrSelect(o.stackName, ws);
}
