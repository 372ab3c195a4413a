// Writes changed managed files atomically; keepalived.conf is validated by the host's own keepalived first, and the
// iptables rules file by the host's own iptables-restore.
import { createHash } from "node:crypto";
import * as path from "node:path";
import type { HostState, ManagedFile } from "../../core/render/host-state";
import { PATHS } from "../../core/render/paths";
import { withoutScripts } from "../../core/render/script-free";
import { STAGED_SUFFIX } from "../facts/files";
import type { HostFacts } from "../facts/host-facts";
import { sh } from "../quote";
import { NOTHING, StepResult } from "./step";

export const TMP_SUFFIX = ".pulumi-lvs-new";
export const CHECK_SUFFIX = ".pulumi-lvs-check";

export function sha256(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

export function fileDiffers(file: ManagedFile, facts: HostFacts): boolean {
  const actual = facts.files[file.path];
  return !actual || actual.sha256 !== sha256(file.content) || actual.mode !== file.mode.padStart(4, "0") || actual.owner !== file.owner || actual.group !== file.group;
}

export function changedFiles(state: HostState, facts: HostFacts): ManagedFile[] {
  return state.files.filter((f) => fileDiffers(f, facts));
}

function stagedReady(file: ManagedFile, facts: HostFacts): boolean {
  return !fileDiffers({ ...file, path: file.path + STAGED_SUFFIX }, facts);
}

/**
 * Writes each file to `<path><suffix>` and validates the set as it will be (keepalived.conf by the host's own
 * keepalived, the iptables rules by its own iptables-restore); a rejected set is removed again and the script stops.
 */
function writeAndValidate(state: HostState, changed: ManagedFile[], suffix: string): string[] {
  const pending = changed.flatMap((f) => f.pending.map((p) => `${f.path}: ${p}`));
  if (pending.length > 0) throw new Error(`cannot write files with undiscovered values (${pending.join(", ")})`);
  const commands: string[] = [];
  for (const f of changed) {
    const tmp = f.path + suffix;
    const b64 = Buffer.from(f.content, "utf8").toString("base64");
    commands.push(
      sh("mkdir", "-p", path.posix.dirname(f.path)),
      // umask 077 and a fresh file: content (perhaps a secret) is never readable by others, not even before chmod.
      `(umask 077 && rm -f ${sh(tmp)} && printf '%s' ${sh(b64)} | base64 -d > ${sh(tmp)})`,
      sh("chown", `${f.owner}:${f.group}`, tmp),
      sh("chmod", f.mode, tmp),
    );
  }
  const conf = state.files.find((f) => f.path === PATHS.keepalivedConf);
  if (conf && changed.some((f) => f.path.startsWith("/etc/keepalived/"))) {
    // Validate the config as it will be: a copy of keepalived.conf whose includes of changed files point at their
    // staged versions (on first converge the included auth files do not exist in place yet).
    let check = conf.content;
    for (const f of changed) if (f !== conf && f.path.startsWith("/etc/keepalived/")) check = check.split(f.path).join(f.path + suffix);
    const checkPath = PATHS.keepalivedConf + CHECK_SUFFIX;
    const staged = [...changed.map((f) => f.path + suffix), checkPath].map((p) => sh(p)).join(" ");
    const write = (path: string, content: string) =>
      `(umask 077 && rm -f ${sh(path)} && printf '%s' ${sh(Buffer.from(content, "utf8").toString("base64"))} | base64 -d > ${sh(path)})`;
    const reject = (extra = "") => `rm -f ${staged}${extra}; echo "keepalived rejected the new config (exit $rc); the previous config stays in place" >&2; exit 65;`;
    const scriptless = withoutScripts(check);
    commands.push(write(checkPath, check));
    if (scriptless === check) {
      // keepalived 2.2.x exits non-zero on warnings too; its diagnostics go to stderr and end up in the error.
      commands.push(`keepalived --config-test -f ${sh(checkPath)} || { rc=$?; ${reject()} }`);
    } else {
      // keepalived 2.2.7 SIGTERMs its own config test when scripts are configured (exit 143, issue #2587): then
      // the config is tested again without its script blocks, so everything else is still checked.
      commands.push(
        `rc=0; keepalived --config-test -f ${sh(checkPath)} || rc=$?`,
        `if [ "$rc" -eq 143 ]; then ${write(checkPath + ".noscripts", scriptless)}; rc=0; keepalived --config-test -f ${sh(checkPath + ".noscripts")} || rc=$?; rm -f ${sh(checkPath + ".noscripts")}; fi`,
        `[ "$rc" -eq 0 ] || { ${reject(" " + sh(checkPath + ".noscripts"))} }`,
      );
    }
    commands.push(sh("rm", "-f", checkPath));
  }
  const rules = changed.find((f) => f.path === PATHS.fwmarkIptables);
  if (rules) {
    // --test parses and builds the whole transaction without committing it: a rule the host's iptables cannot load
    // (a missing match module) stops the apply here, before any file moves.
    const staged = changed.map((f) => sh(f.path + suffix)).join(" ");
    commands.push(
      `${sh("iptables-restore", "-w", "5", "--test", "--noflush", rules.path + suffix)} || { rc=$?; rm -f ${staged}; echo "iptables-restore rejected the new fwmark rules (exit $rc); the previous rules stay in place" >&2; exit 65; }`,
    );
  }
  return commands;
}

/**
 * The prepare phase: every changed file written beside its target (`<path>.pulumi-lvs-staged`) and validated there,
 * nothing moved into place. Files already staged as wanted are left as they are.
 */
export function stageFiles(state: HostState, facts: HostFacts): StepResult {
  const changed = changedFiles(state, facts);
  if (changed.length === 0 || changed.every((f) => stagedReady(f, facts))) return NOTHING;
  return { commands: writeAndValidate(state, changed, STAGED_SUFFIX), changes: changed.map((f) => `stage ${f.path}`) };
}

/**
 * Moves every changed file into place, all or nothing. When the prepare phase staged (and validated) exactly these
 * contents, the commit is only the moves; otherwise they are written and validated here first.
 */
export function ensureFiles(state: HostState, facts: HostFacts): StepResult {
  const changed = changedFiles(state, facts);
  if (changed.length === 0) return NOTHING;
  const changes = changed.map((f) => `write ${f.path}`);
  if (changed.every((f) => stagedReady(f, facts))) return { commands: changed.map((f) => sh("mv", "-f", f.path + STAGED_SUFFIX, f.path)), changes };
  const commands = writeAndValidate(state, changed, TMP_SUFFIX);
  for (const f of changed) commands.push(sh("mv", "-f", f.path + TMP_SUFFIX, f.path));
  return { commands, changes };
}
