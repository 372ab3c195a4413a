// Reads and copies directory trees of text files, keyed by their path relative to the tree's root.
import * as fs from "node:fs";
import * as path from "node:path";

/** Every file under `dir` as `relative/path` → content (sorted by path). */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = sub === "" ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else files.set(rel, fs.readFileSync(path.join(dir, rel), "utf8"));
    }
  };
  if (fs.existsSync(dir)) walk("");
  return files;
}

/** Makes `dir` hold exactly `files` (stale files removed); goldens are plain 0644 text. */
export function writeTree(dir: string, files: Map<string, string>): void {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [rel, content] of files) {
    const target = path.join(dir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content, { mode: 0o644 });
  }
}
