// Which config strings enter which host files, and the format rules each must pass (core/formats/*). Runs on the raw
// value, before the schema, so a refused string is reported by its key with the offending character and the reason
// even when the schema also rejects it; it skips what is not a string (the schema reports types).
import type { ConfigIssue, PathPart } from "./issues";
import { configKey } from "./issues";
import type { Refusal } from "../formats/lexicon";
import * as ka from "../formats/keepalived";
import { refuseNetdevName } from "../formats/netdev";
import { refuseSysctlKey, refuseSysctlSegment, refuseSysctlValue } from "../formats/sysctl";
import { refuseExecArgument, refuseUnitText } from "../formats/systemd";
import { refuseNftAddress, refuseNftComment, refuseNftMac } from "../formats/nft";
import { refuseIptablesComment, refuseIptablesMac, refuseIptablesVip } from "../formats/iptables";
import { refuseScriptContent, refuseScriptFileName } from "../formats/script-file";

type Check = (value: string) => Refusal | undefined;

/** A path into the config: property names, `[]` for every array item, `{key}` / `{value}` for every map entry. */
type Pattern = readonly string[];

/** Every file a name is written to carries it in its header comment. */
const headerComment: Check[] = [ka.refuseComment, refuseUnitText, refuseNftComment, refuseIptablesComment];
const interfaceIn = (...files: Check[]): Check[] => [refuseNetdevName, ...files];
const sysctlEntries = (at: Pattern): [Pattern, Check[]][] => [
  [[...at, "{key}"], [refuseSysctlKey]],
  [[...at, "{value}"], [refuseSysctlValue]],
];

/** A hook's command line goes into keepalived.conf; its content becomes a script file. */
const hookAt = (at: Pattern): [Pattern, Check[]][] => [
  [[...at, "script"], [ka.refuseScript]],
  [[...at, "content"], [refuseScriptContent]],
];

/** Where each string goes; the checks are those of every file it enters. */
export const FIELD_FORMATS: readonly [Pattern, Check[]][] = [
  [["name"], headerComment],
  [["hosts", "[]", "name"], [ka.refuseName, ...headerComment]],
  [["hosts", "[]", "address"], [ka.refuseAddress]],
  [["hosts", "[]", "address6"], [ka.refuseAddress]],
  [["vrrp", "[]", "syncGroup"], [ka.refuseName]],
  ...sysctlEntries(["hosts", "[]", "sysctls"]),
  ...sysctlEntries(["sysctls"]),
  [["directors", "[]", "interface"], interfaceIn(ka.refuseInterface, refuseSysctlSegment)],
  [["directors", "[]", "unicastPeers", "[]"], [ka.refuseAddress]],
  [["directors", "[]", "mac"], [(v) => refuseNftMac(v.toLowerCase()), (v) => refuseIptablesMac(v.toLowerCase())]],
  [["realServers", "[]", "interface"], interfaceIn(refuseSysctlSegment)],
  [["vrrp", "[]", "name"], [ka.refuseName, ka.refuseComment, refuseScriptFileName]],
  [["vrrp", "[]", "interface"], interfaceIn(ka.refuseInterface, refuseSysctlSegment)],
  [["vrrp", "[]", "trackScripts", "[]", "name"], [ka.refuseName]],
  [["vrrp", "[]", "trackScripts", "[]", "script"], [ka.refuseScript]],
  [["vrrp", "[]", "trackInterfaces", "[]", "interface"], interfaceIn(ka.refuseInterface)],
  ...(["master", "backup", "fault", "stop"] as const).flatMap((state) => hookAt(["vrrp", "[]", "notify", state])),
  // A service's name also names its virtual_server_group and its installed quorum scripts.
  [["services", "[]", "name"], [ka.refuseComment, refuseNftComment, refuseIptablesComment, ka.refuseName, refuseScriptFileName]],
  [["services", "[]", "groupVips", "[]"], [ka.refuseAddress, refuseExecArgument, refuseUnitText]],
  ...hookAt(["services", "[]", "quorumUp"]),
  ...hookAt(["services", "[]", "quorumDown"]),
  [["services", "[]", "healthCheck", "queryName"], [ka.refuseDnsName]],
  [["services", "[]", "healthCheck", "heloName"], [ka.refuseHeloName]],
  [["services", "[]", "vip"], [ka.refuseAddress, refuseNftAddress, refuseIptablesVip, refuseExecArgument, refuseUnitText]],
  [["services", "[]", "persistence", "granularity"], [ka.refuseAddress]],
  [["services", "[]", "healthCheck", "path"], [ka.refuseHttpPath]],
  [["services", "[]", "healthCheck", "statusCode"], [ka.refuseStatusCode]],
  [["services", "[]", "healthCheck", "digest"], [ka.refuseDigest]],
  [["services", "[]", "healthCheck", "script"], [ka.refuseScript]],
  [["sync", "interface"], interfaceIn(ka.refuseInterface, refuseSysctlSegment)],
];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Calls `visit` with every string the pattern reaches, and its path. */
function each(value: unknown, pattern: Pattern, path: PathPart[], visit: (s: string, path: PathPart[]) => void, mapValue = false): void {
  if (pattern.length === 0) {
    // Map values (sysctls) may be integers, written as their decimal text.
    if (typeof value === "string" || (mapValue && typeof value === "number")) visit(String(value), path);
    return;
  }
  const [head, ...rest] = pattern;
  if (head === "[]") {
    if (Array.isArray(value)) value.forEach((v, i) => each(v, rest, [...path, i], visit));
  } else if (head === "{key}" || head === "{value}") {
    if (isRecord(value)) for (const [k, v] of Object.entries(value)) each(head === "{key}" ? k : v, rest, [...path, k], visit, head === "{value}");
  } else if (isRecord(value) && head in value) each(value[head], rest, [...path, head], visit);
}

/** Every refused string in a raw cluster value, one issue per key (the first refusal found). */
export function checkLexical(raw: unknown): ConfigIssue[] {
  const issues = new Map<string, ConfigIssue>();
  for (const [pattern, checks] of FIELD_FORMATS) {
    each(raw, pattern, [], (value, path) => {
      const key = configKey(path);
      if (issues.has(key)) return;
      for (const check of checks) {
        const refusal = check(value);
        if (refusal !== undefined) {
          issues.set(key, { key, message: refusal, severity: "error" });
          return;
        }
      }
    });
  }
  return [...issues.values()];
}
