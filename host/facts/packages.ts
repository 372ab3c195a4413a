// Installed packages among a given list (dpkg or rpm).
import type { Fact } from "./fact";
import { sh } from "../quote";

export function installedPackages(names: string[]): Fact<string[]> {
  const list = sh(...names);
  return {
    id: "packages",
    command: `if command -v dpkg-query >/dev/null; then dpkg-query -W -f='\${Package} \${db:Status-Status}\\n' ${list}; else rpm -q --qf '%{NAME} installed\\n' ${list}; fi`,
    parse: (stdout) =>
      stdout
        .split("\n")
        .map((l) => l.trim().split(/\s+/))
        .filter((p) => p.length === 2 && p[1] === "installed")
        .map((p) => p[0])
        .sort(),
  };
}
