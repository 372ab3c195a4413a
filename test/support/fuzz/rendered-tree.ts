// A render as its readers see it: every host's files read with the oracle of their format (keepalived's lexer for
// keepalived.conf and its includes, systemd-sysctl's for sysctl.d, …), comments dropped, scripts as their argv; plus
// what each reader would complain about or silently do, and whether sysctl/modules files say exactly what the host
// state applies live. Two renders compare as trees; `substitute` says where a changed value must land.
import type { HostState } from "../../../core/render/host-state";
import { readKeepalived, shapeOf } from "../readers/keepalived-lexer";
import { readIptablesRestore, readModprobeD, readModulesLoadD, readNft, readSysctlD, readUnit, sysctlPath } from "../readers/line-formats";

export interface RenderedTree {
  tree: unknown;
  problems: string[];
}

const CONF = "/etc/keepalived/keepalived.conf";

function readFile(host: HostState, path: string, content: string, problems: string[]): unknown {
  const note = (list: string[]) => list.forEach((p) => problems.push(`${host.host}:${path}: ${p}`));
  if (path === CONF) {
    const reading = readKeepalived(Object.fromEntries(host.files.map((f) => [f.path, f.content])));
    note(reading.problems.map((p) => p.message));
    return shapeOf(reading.statements);
  }
  if (path.startsWith("/etc/keepalived/") && path.endsWith(".sh")) {
    // An installed hook script: the kernel reads the `#!` line, the interpreter the rest; ours is the second line.
    const [interpreter, marker, ...body] = content.split("\n");
    if (!/^#!\/\S+( \S+)?$/.test(interpreter)) note([`the first line ${JSON.stringify(interpreter)} is not an interpreter line`]);
    if (!/^# Managed by pulumi-lvs /.test(marker ?? "")) note([`the second line ${JSON.stringify(marker)} is not the managed line`]);
    // The script as the interpreter sees it: the configured text, exactly, around our line.
    return { script: [interpreter, ...body].join("\n") };
  }
  if (path.startsWith("/etc/keepalived/")) return "(included)";
  if (path.startsWith("/etc/sysctl.d/")) {
    const reading = readSysctlD(content);
    note(reading.problems);
    const entries = reading.entries.map((e) => [e.path, e.value]).sort();
    const live = Object.entries(host.sysctls).map(([k, v]) => [sysctlPath(k), v]).sort();
    if (JSON.stringify(entries) !== JSON.stringify(live)) note([`the file says ${JSON.stringify(entries)} but the host state applies ${JSON.stringify(live)}`]);
    return Object.fromEntries(entries);
  }
  if (path.startsWith("/etc/modules-load.d/")) {
    const reading = readModulesLoadD(content);
    note(reading.problems);
    if (JSON.stringify(reading.entries) !== JSON.stringify(host.modules)) note([`the file loads ${reading.entries} but the host state has ${host.modules}`]);
    return reading.entries;
  }
  if (path.startsWith("/etc/modprobe.d/")) {
    const reading = readModprobeD(content);
    note(reading.problems);
    return reading.entries;
  }
  if (path.endsWith(".service")) {
    const reading = readUnit(content);
    note(reading.problems);
    return reading.entries;
  }
  if (path.endsWith(".nft")) {
    const reading = readNft(content);
    note(reading.problems);
    return reading.entries;
  }
  if (path.endsWith(".rules")) {
    const reading = readIptablesRestore(content);
    note(reading.problems);
    return reading.entries;
  }
  note(["no reader for this file"]);
  return content;
}

export function renderedTree(hosts: HostState[]): RenderedTree {
  const problems: string[] = [];
  const tree = hosts.map((h) => ({
    roles: h.roles,
    files: [...h.files].sort((a, b) => a.path.localeCompare(b.path)).map((f) => [f.path, f.mode, readFile(h, f.path, f.content, problems)]),
  }));
  return { tree, problems };
}

/** How a base value and a new one appear in a reading: strings (and sysctl paths), script argv, or integers. */
export interface Substitution {
  from: string;
  to: string;
  integer: boolean;
  /** Script words of `from` and `to` (core's scriptWords), for argv readings. */
  argv?: { from: string[]; to: string[] };
}

function replaceString(s: string, sub: Substitution): string {
  // An integer is a whole number: not part of a longer number or of an address (10.77.0.19).
  if (sub.integer) return s.replace(new RegExp(`(^|[^0-9.])${sub.from}(?![0-9.])`, "g"), (_m, pre: string) => pre + sub.to);
  if (s === sub.from) return sub.to;
  if (sub.from !== "" && s === sysctlPath(sub.from) && /[./]/.test(sub.from)) return sysctlPath(sub.to);
  return sub.from === "" ? s : s.split(sub.from).join(sub.to);
}

/** The base tree with the base value replaced wherever it landed: what the new value's render must read as. */
export function substitute(tree: unknown, sub: Substitution): unknown {
  if (typeof tree === "string") return replaceString(tree, sub);
  if (Array.isArray(tree)) return tree.map((t) => substitute(t, sub));
  if (tree && typeof tree === "object") {
    const record = tree as Record<string, unknown>;
    if (Array.isArray(record.argv) && sub.argv && JSON.stringify(record.argv) === JSON.stringify(sub.argv.from)) return { argv: sub.argv.to };
    // Keys too: a sysctl map is keyed by path.
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [replaceString(k, sub), substitute(v, sub)]));
  }
  return tree;
}
