// `pulumi-lvs validate|render <Pulumi.stack.yaml>`: the offline CLI over the pure core; `status` reads the hosts
// (read-only, over SSH) and compares them with the stack config.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseStackFile, StackFile } from "../core/config/stack-file";
import { validateCluster } from "../core/config/validate";
import { checkSecretReferences } from "../core/config/secrets";
import { ConfigIssue, formatIssue } from "../core/config/issues";
import { planCluster } from "../core/plan";
import { writeRender } from "./write-render";
import { clusterStatus, MissingSecretError } from "./status";
import { formatStatus } from "./status-report";
import { guardedOutput } from "./output";

const USAGE = `usage:
  pulumi-lvs validate <Pulumi.stack.yaml>
  pulumi-lvs render <Pulumi.stack.yaml> --out <dir>
  pulumi-lvs status <Pulumi.stack.yaml> [--json]`;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** stdout and stderr, each dropping its lines once its reader has gone (cli/output.ts). */
function consoleIo(): Io {
  const out = guardedOutput(process.stdout);
  const err = guardedOutput(process.stderr);
  return { out: (l) => out.write(l + "\n"), err: (l) => err.write(l + "\n") };
}

function load(file: string): StackFile {
  return parseStackFile(fs.readFileSync(file, "utf8"), file);
}

function check(stack: StackFile) {
  const result = validateCluster(stack.cluster);
  const issues: ConfigIssue[] = [...result.issues];
  if (result.config) issues.push(...checkSecretReferences(result.config, stack.values));
  const ok = result.ok && !issues.some((i) => i.severity === "error");
  return { config: ok ? result.config : undefined, issues };
}

function report(io: Io, issues: ConfigIssue[]): void {
  for (const issue of issues) io.err(formatIssue(issue));
}

export async function main(argv: string[], io: Io = consoleIo()): Promise<number> {
  const [command, file, ...rest] = argv;
  if ((command !== "validate" && command !== "render" && command !== "status") || !file || file.startsWith("-")) {
    io.err(USAGE);
    return 2;
  }
  let stack: StackFile;
  try {
    stack = load(file);
  } catch (e) {
    // One line per problem (a YAML file can have several syntax errors, each as file:line:column).
    for (const line of (e as Error).message.split("\n")) io.err(`error: ${line}`);
    return 2;
  }
  const { config, issues } = check(stack);
  report(io, issues);
  if (!config) {
    io.err(`${file}: ${issues.filter((i) => i.severity === "error").length} error(s); nothing rendered`);
    return 1;
  }
  if (command === "status") return status(config, rest, io);
  if (command === "validate") {
    io.out(`${file}: valid (${config.hosts.length} hosts, ${config.services.length} services)`);
    return 0;
  }
  const outIndex = rest.indexOf("--out");
  const outDir = outIndex >= 0 ? rest[outIndex + 1] : undefined;
  if (!outDir) {
    io.err(USAGE);
    return 2;
  }
  const hosts = planCluster(config).hosts.map((h) => h.state);
  writeRender(path.resolve(outDir), hosts);
  for (const h of hosts) {
    const notes = [
      ...h.vrrp.map((v) => `${v.group} VRID ${v.vrid}${v.vridDerived ? " (derived)" : ""} priority ${v.priority}`),
      ...h.discover.map((d) => `discovered at provision time: ${d.what} of ${d.host}`),
    ];
    io.out(`${h.host} [${h.roles.join(", ")}]: ${h.files.length} files${notes.length ? "; " + notes.join("; ") : ""}`);
  }
  io.out(`wrote ${path.join(outDir, "manifest.json")}`);
  return 0;
}

/** Exit 0: everything matches the stack config; 1: something is flagged; 2: usage or missing SSH secrets. */
async function status(config: NonNullable<ReturnType<typeof check>["config"]>, rest: string[], io: Io): Promise<number> {
  const unknown = rest.filter((a) => a !== "--json");
  if (unknown.length > 0) {
    io.err(`unknown argument(s): ${unknown.join(" ")}`);
    io.err(USAGE);
    return 2;
  }
  let report;
  try {
    report = await clusterStatus(config);
  } catch (e) {
    if (!(e instanceof MissingSecretError)) throw e;
    io.err(`error: ${e.message}`);
    return 2;
  }
  if (rest.includes("--json")) io.out(JSON.stringify(report, null, 2));
  else for (const line of formatStatus(report)) io.out(line);
  return report.ok ? 0 : 1;
}
