// Before the demo boots anything: root (the lab needs network namespaces and taps) and the Debian packages the lab
// uses (.ci/install-system-packages is their one list). Run as root, the demo installs the missing ones itself, so
// `npm ci && npm run demo` is the whole set-up; otherwise it says exactly what to run.
import { spawnSync } from "node:child_process";
import * as path from "node:path";

export type Preflight = { ok: true; installed: string[] } | { ok: false; message: string };

export interface PreflightDeps {
  isRoot: () => boolean;
  /** The missing packages (empty when none), from `install-system-packages --check`. */
  missing: () => string[];
  /** Installs them (apt-get, through the same script); true on success. */
  install: () => boolean;
  say: (line: string) => void;
}

export function systemDeps(root: string, say: (line: string) => void): PreflightDeps {
  const script = path.join(root, ".ci", "install-system-packages");
  return {
    isRoot: () => process.getuid?.() === 0,
    missing: () => {
      const r = spawnSync("bash", [script, "--check"], { encoding: "utf8" });
      return r.status === 0 ? [] : r.stdout.trim().split(/\s+/).filter(Boolean);
    },
    install: () => spawnSync("bash", [script], { stdio: "inherit" }).status === 0,
    say,
  };
}

export function preflight(d: PreflightDeps): Preflight {
  const missing = d.missing();
  if (!d.isRoot())
    return {
      ok: false,
      message:
        "the demo boots qemu VMs in a network namespace and needs root: run it as root (sudo -E npm run demo)" +
        (missing.length > 0 ? `; it will install the missing Debian packages (${missing.join(" ")}) itself, or run: sudo bash .ci/install-system-packages` : ""),
    };
  if (missing.length === 0) return { ok: true, installed: [] };
  d.say(`installing the Debian packages the lab needs: ${missing.join(" ")} (bash .ci/install-system-packages)`);
  if (!d.install()) return { ok: false, message: `installing ${missing.join(" ")} failed (see above); run: bash .ci/install-system-packages` };
  const still = d.missing();
  if (still.length > 0) return { ok: false, message: `still missing after the install: ${still.join(" ")}; run: apt-get install ${still.join(" ")}` };
  return { ok: true, installed: missing };
}
