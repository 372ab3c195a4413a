// The order hosts change in: real servers first, then the directors, the one holding the VIPs last.
import type { Structure } from "./structure";

export interface ApplyOrder {
  /** Real servers that are not directors: their VIP and ARP settings must exist before a director advertises a VIP. */
  realServers: string[];
  /** Directors by ascending priority, so the expected MASTER changes last. Destroy runs the whole order in reverse. */
  directors: string[];
}

export function applyOrder(structure: Pick<Structure, "hosts" | "directors" | "members">): ApplyOrder {
  const directors = new Set(structure.directors.map((d) => d.host));
  return {
    realServers: structure.hosts.filter((h) => !directors.has(h) && structure.members.has(h)),
    directors: [...structure.directors].sort((a, b) => a.priority - b.priority).map((d) => d.host),
  };
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

/** "director order: d2, d1 (static: liveOrder is off)". */
export function describeStaticOrder(order: string[], why: string): string {
  return `director order: ${order.join(", ")} (static: ${why})`;
}
