// The example stack files and their render through the CLI's own code path (`render --out`).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/main";
import { readTree } from "./file-tree";
import { repoRoot } from "./repo-root";

export interface Example {
  /** `dr` for examples/Pulumi.dr.yaml. */
  name: string;
  file: string;
}

export function examples(): Example[] {
  const dir = path.join(repoRoot(), "examples");
  return fs
    .readdirSync(dir)
    .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
    .sort()
    .map((f) => ({ name: f.slice("Pulumi.".length, -".yaml".length), file: path.join(dir, f) }));
}

export interface CapturedIo {
  out: (line: string) => void;
  err: (line: string) => void;
  stdout: string[];
  stderr: string[];
}

export function captureIo(): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: (l) => stdout.push(l), err: (l) => stderr.push(l), stdout, stderr };
}

export interface CliRender {
  /** Every written file, `<host>/<abs path without leading slash>` and `manifest.json` → content. */
  tree: Map<string, string>;
  manifest: { hosts: { host: string; roles: string[]; files: { path: string; mode: string }[] }[] };
  /** A host's files as `keepalivedConfigTest` takes them. */
  filesOf(host: string): { path: string; content: string; mode: string }[];
}

/** Runs `pulumi-lvs render <file> --out <tmp>` in-process and reads back what it wrote. */
export async function renderWithCli(file: string): Promise<CliRender> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-lvs-render-"));
  try {
    const io = captureIo();
    const code = await main(["render", file, "--out", out], io);
    if (code !== 0) throw new Error(`render ${file} exited ${code}:\n${io.stderr.join("\n")}`);
    const tree = readTree(out);
    const manifest = JSON.parse(tree.get("manifest.json")!) as CliRender["manifest"];
    const filesOf = (host: string) =>
      manifest.hosts
        .find((h) => h.host === host)!
        .files.map((f) => ({ path: f.path, content: tree.get(`${host}${f.path}`)!, mode: f.mode }));
    return { tree, manifest, filesOf };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}
