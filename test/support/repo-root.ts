// The repository root (the directory holding package.json), found from wherever the compiled tests run.
import * as fs from "node:fs";
import * as path from "node:path";

export function repoRoot(from = __dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}
