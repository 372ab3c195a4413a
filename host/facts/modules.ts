// Loaded kernel modules, from /proc/modules.
import type { Fact } from "./fact";

export const loadedModules: Fact<string[]> = {
  id: "modules",
  command: "cat /proc/modules",
  parse: (stdout) =>
    stdout
      .split("\n")
      .map((l) => l.split(" ")[0])
      .filter((n) => n.length > 0)
      .sort(),
};
