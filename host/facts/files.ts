// sha256, mode and owner of files; missing files are absent from the result.
import type { Fact } from "./fact";
import { sh } from "../quote";

/** Where the prepare phase leaves a validated file for the commit to move into place. */
export const STAGED_SUFFIX = ".pulumi-lvs-staged";

/** The staged copies of the managed files (read with them, so the commit knows what the prepare left). */
export function stagedPaths(paths: string[]): string[] {
  return paths.map((p) => p + STAGED_SUFFIX);
}

export interface FileFact {
  sha256: string;
  mode: string;
  owner: string;
  group: string;
}

export function fileStates(paths: string[]): Fact<Record<string, FileFact>> {
  const list = sh(...paths);
  return {
    id: "files",
    command: paths.length === 0 ? "true" : `for f in ${list}; do [ -f "$f" ] && printf '%s %s\\n' "$(stat -c '%a %U %G' "$f")" "$(sha256sum "$f")"; done`,
    parse(stdout) {
      const out: Record<string, FileFact> = {};
      for (const line of stdout.split("\n")) {
        const m = /^([0-7]{3,4}) (\S+) (\S+) ([0-9a-f]{64})\s+(.+)$/.exec(line.trim());
        if (m) out[m[5]] = { mode: m[1].padStart(4, "0"), owner: m[2], group: m[3], sha256: m[4] };
      }
      return out;
    },
  };
}
