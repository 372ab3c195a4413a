// Pure helpers shared by the components and the direct driver: a host's provider inputs, and the apply order.
import type { ClusterConfig } from "../core/config/schema";
import type { HostState } from "../core/render/host-state";
import { HostConfigInputs, PROVIDER_VERSION } from "./host-config-provider";
import { targetFor } from "./target";

export function hostConfigInputs(config: ClusterConfig, state: HostState, secretFiles: Record<string, string> = {}, drainSeconds = 5): HostConfigInputs {
  const host = config.hosts.find((h) => h.name === state.host);
  if (!host) throw new Error(`no host named ${state.host} in the cluster config`);
  return {
    host: state.host,
    target: targetFor(config, host),
    state: { ...state, files: state.files.map((f) => ({ ...f, content: "" })) },
    files: Object.fromEntries(state.files.filter((f) => f.secretKeys.length === 0).map((f) => [f.path, f.content])),
    secretFiles,
    hash: state.hash,
    drainSeconds,
    providerVersion: PROVIDER_VERSION,
  };
}

/**
 * Real servers first (their VIP and ARP settings must exist before a director advertises the VIP), then directors
 * by ascending priority, so the expected MASTER changes last. Destroy runs this in reverse.
 */
export function applyOrder(structure: { hosts: string[]; directors: { host: string; priority: number }[]; members: Set<string> }): string[] {
  const directors = new Set(structure.directors.map((d) => d.host));
  const realServers = structure.hosts.filter((h) => !directors.has(h) && structure.members.has(h));
  return [...realServers, ...[...structure.directors].sort((a, b) => a.priority - b.priority).map((d) => d.host)];
}

/**
 * The directors in the order their changes go out: those holding none of the VIPs first (in their static order),
 * then the current holders (the live MASTER), so the VIP keeps a healthy holder while the backups change.
 */
export function liveDirectorOrder(staticOrder: string[], holders: Iterable<string>): string[] {
  const held = new Set(holders);
  return [...staticOrder.filter((h) => !held.has(h)), ...staticOrder.filter((h) => held.has(h))];
}

/** "director order: d2, d1 (d1 holds 10.77.0.100)". */
export function describeDirectorOrder(order: string[], holders: Record<string, string[]>): string {
  const held = Object.entries(holders).map(([h, vips]) => `${h} holds ${vips.join(", ")}`);
  return `director order: ${order.join(", ")} (${held.length > 0 ? held.join("; ") : "no director holds a VIP"})`;
}
