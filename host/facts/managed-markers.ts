// Which of the given files are ours already: their first line carries the managed-file marker (the second, after
// the `#!` line, in a hook script pulumi-lvs installs).
import { MANAGED_MARKER } from "../../core/render/paths";
import type { Fact } from "./fact";
import { sh } from "../quote";

export function managedMarkers(paths: string[]): Fact<Record<string, boolean>> {
  return {
    id: "managed-markers",
    command: paths.length === 0 ? "true" : `for f in ${sh(...paths)}; do [ -f "$f" ] && head -n 2 "$f" | grep -qF ${sh(MANAGED_MARKER)} && echo "$f"; done; true`,
    parse: (stdout) => Object.fromEntries(stdout.split("\n").filter(Boolean).map((p) => [p, true])),
  };
}
