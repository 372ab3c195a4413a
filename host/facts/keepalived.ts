// The installed keepalived version ("2.2.7"), or null when keepalived is absent.
import type { Fact } from "./fact";

export const keepalivedVersion: Fact<string | null> = {
  id: "keepalived-version",
  command: "keepalived --version 2>&1 | head -n 1",
  parse: (stdout) => /Keepalived v(\d+\.\d+\.\d+)/.exec(stdout)?.[1] ?? null,
};

export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split(".").map(Number);
  const b = minimum.split(".").map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}
