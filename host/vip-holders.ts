// Which directors hold which of the cluster's VIPs right now: one read-only round trip per director. A director that
// cannot be read counts as holding none (and is logged), so an unreachable host never fails an apply by itself.
import { NAMES } from "../core/render/paths";
import { allAddresses } from "./facts/addresses";
import { batchScript, splitBatch } from "./facts/fact";
import { inPhase } from "./trace";
import type { Transport } from "./transport";

/** VIPs held, by director; directors holding none are absent. */
export type VipHolders = Record<string, string[]>;

export const vipHolderScript = batchScript([allAddresses]);

/**
 * The VIPs among `vips` the host's addresses show. A co-located director also carries every VIP on lvs0 as a real
 * server; only an address on another device (the VRRP interface) means keepalived holds it.
 */
export function parseHeldVips(vips: string[], stdout: string): string[] {
  const section = splitBatch(stdout).get(allAddresses.id);
  if (section === undefined) throw new Error("the address listing was cut short");
  const held = new Set(allAddresses.parse(section).filter((a) => a.device !== NAMES.vipDevice).map((a) => a.address));
  return vips.filter((v) => held.has(v));
}

export async function readVipHolders(
  transportFor: (host: string) => Promise<Transport>,
  directors: string[],
  vips: string[],
  log: (line: string) => void = () => undefined,
): Promise<VipHolders> {
  const held = await Promise.all(
    directors.map(async (host): Promise<string[]> => {
      try {
        const r = await inPhase(host, "order", async () => (await transportFor(host)).run(vipHolderScript, { timeoutMs: 30_000 }));
        return parseHeldVips(vips, r.stdout);
      } catch (e) {
        const why = e instanceof Error ? e.message.replace(/^host \S+: /, "") : String(e);
        log(`${host}: cannot read which VIPs it holds (${why}); counted as holding none`);
        return [];
      }
    }),
  );
  return Object.fromEntries(directors.map((h, i) => [h, held[i]] as const).filter(([, v]) => v.length > 0));
}
