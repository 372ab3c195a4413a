// The order the directors change in, read live: who holds the VIPs now decides (the live MASTER goes last); without a
// live read (no source, or the read fails) the static order stands, and the log says why.
import { describeDirectorOrder, describeStaticOrder, liveDirectorOrder } from "../core/plan/order";
import { SshTarget, SshTransport } from "./ssh";
import { readVipHolders, VipHolders } from "./vip-holders";

/** Reads which of `directors` hold which of `vips` right now. */
export type HolderReader = (directors: string[], vips: string[], log: (line: string) => void) => Promise<VipHolders>;

/** Where the live read can start from: the cluster's VIPs and a reader; else why it cannot. */
export type LiveOrderSource = { vips: string[]; read: HolderReader } | { why: string };

export async function decideDirectorOrder(staticOrder: string[], source: LiveOrderSource, log: (line: string) => void): Promise<string[]> {
  if (staticOrder.length === 0) return staticOrder;
  if ("why" in source) {
    log(describeStaticOrder(staticOrder, source.why));
    return staticOrder;
  }
  try {
    const holders = await source.read(staticOrder, source.vips, log);
    const order = liveDirectorOrder(staticOrder, Object.keys(holders));
    log(describeDirectorOrder(order, holders));
    return order;
  } catch (e) {
    log(describeStaticOrder(staticOrder, `the VIP holders could not be read: ${e instanceof Error ? e.message : String(e)}`));
    return staticOrder;
  }
}

/**
 * Over SSH, on connections of its own that are closed after the read (a Pulumi program must not keep sockets open:
 * they would keep it alive). `targetOf` is asked only when the read runs.
 */
export function sshHolderReader(targetOf: (host: string) => SshTarget): HolderReader {
  return async (directors, vips, log) => {
    const opened: SshTransport[] = [];
    const transportFor = async (host: string) => {
      const t = await SshTransport.open({ ...targetOf(host), retries: 1 });
      opened.push(t);
      return t;
    };
    try {
      return await readVipHolders(transportFor, directors, vips, log);
    } finally {
      for (const t of opened) t.close();
    }
  };
}
