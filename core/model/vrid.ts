// Deterministic VRRP router ids for groups that do not set one.
import { createHash } from "node:crypto";
import type { ClusterConfig } from "../config/schema";

/** The VRID a group would get from its names alone, 1..255. */
export function hashedVrid(cluster: string, group: string): number {
  const digest = createHash("sha256").update(`pulumi-lvs/${cluster}/${group}`).digest();
  return (digest.readUInt32BE(0) % 255) + 1;
}

/**
 * VRID per group index. Explicit ids and reserved ids are fixed; derived ones start at the hash and move to the
 * next free id, in list order, so adding a group never renumbers an earlier one.
 */
export function assignVrids(config: Pick<ClusterConfig, "name" | "vrrp" | "reservedVirtualRouterIds">): { vrid: number; derived: boolean }[] {
  const taken = new Set<number>(config.reservedVirtualRouterIds ?? []);
  for (const g of config.vrrp) if (g.virtualRouterId !== undefined) taken.add(g.virtualRouterId);
  return config.vrrp.map((g) => {
    if (g.virtualRouterId !== undefined) return { vrid: g.virtualRouterId, derived: false };
    let id = hashedVrid(config.name, g.name);
    for (let tries = 0; taken.has(id) && tries < 255; tries++) id = (id % 255) + 1;
    taken.add(id);
    return { vrid: id, derived: true };
  });
}
