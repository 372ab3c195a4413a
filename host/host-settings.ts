// How an update and a diff treat every field of a host's desired state. The table has an entry for each HostState
// key, so a new host setting does not compile until it says what an update takes down when the setting goes away
// and whether a change to it changes the host.
import type { HostState } from "../core/render/host-state";

interface Setting<K extends keyof HostState> {
  /** A change means the host must change. Off for what only describes the rest (it changes with it). */
  compared: boolean;
  /** The part of `old` an update takes down when moving to `next` (see teardown.ts). */
  removed(old: HostState[K], next: HostState[K]): HostState[K];
}

const kept = <T>(old: T): T => old;
const none = <T>(): T[] => [];
const missingFrom = <T>(key: (x: T) => string) => (old: T[], next: T[]): T[] => old.filter((o) => !next.some((n) => key(n) === key(o)));

export const HOST_SETTINGS: { [K in keyof HostState]-?: Setting<K> } = {
  host: { compared: true, removed: kept },
  address: { compared: true, removed: kept },
  sshAddress: { compared: true, removed: kept },
  roles: { compared: true, removed: kept },
  // Packages stay installed: removing keepalived could take others' configs with it.
  packages: { compared: true, removed: none },
  users: { compared: true, removed: missingFrom((u) => u.name) },
  modules: { compared: true, removed: (old, next) => old.filter((m) => !next.includes(m)) },
  sysctls: { compared: true, removed: (old, next) => Object.fromEntries(Object.entries(old).filter(([k]) => !(k in next))) },
  // Addresses and mark rules belong to their units: stopping a unit removes them.
  addresses: { compared: true, removed: none },
  fwmarkRules: { compared: true, removed: none },
  services: { compared: true, removed: missingFrom((s) => s.name) },
  files: { compared: true, removed: missingFrom((f) => f.path) },
  // Which values came from discovery: they are in the files already.
  discover: { compared: false, removed: none },
  vrrp: { compared: true, removed: none },
  ipvsSync: { compared: true, removed: kept },
  // keepalived.conf's model: the file itself is compared (by the hash).
  keepalived: { compared: false, removed: () => undefined },
  hash: { compared: true, removed: kept },
};

export const HOST_SETTING_KEYS = Object.keys(HOST_SETTINGS) as (keyof HostState)[];

/** JSON with sorted keys: two values that differ only in key order are equal. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** Whether two desired states mean the same on the host (the fields that only describe others are left out). */
export function sameHostState(a: HostState, b: HostState): boolean {
  const compared = (s: HostState) => canonical(Object.fromEntries(HOST_SETTING_KEYS.filter((k) => HOST_SETTINGS[k].compared).map((k) => [k, s[k]])));
  return compared(a) === compared(b);
}
