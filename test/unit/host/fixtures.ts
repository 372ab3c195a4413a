// Shared by the fixture harnesses: the repo root (tests run from dist/) and JSON fixture loading.
import * as fs from "node:fs";
import * as path from "node:path";

export const root = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  return dir;
})();

export interface FixtureCase<T> {
  group: string;
  name: string;
  file: string;
  data: T;
}

/** Every `test/fixtures/<kind>/<group>/<case>.json`, in a stable order. */
export function loadFixtures<T>(kind: string): FixtureCase<T>[] {
  const base = path.join(root, "test", "fixtures", kind);
  const out: FixtureCase<T>[] = [];
  for (const group of fs.readdirSync(base).sort()) {
    const dir = path.join(base, group);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".json")).sort()) {
      const file = path.join(dir, f);
      out.push({ group, name: f.replace(/\.json$/, ""), file: path.relative(root, file), data: JSON.parse(fs.readFileSync(file, "utf8")) as T });
    }
  }
  return out;
}
