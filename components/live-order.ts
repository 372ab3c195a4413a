// The Pulumi program's side of the live director order: read who holds the VIPs (with the SSH credentials the
// providers use) and decide the order the Directors' dependsOn chain follows, else keep the static order and say why.
import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig } from "../core/config/schema";
import { SshTransport } from "../host/ssh";
import { readVipHolders, VipHolders } from "../host/vip-holders";
import { describeDirectorOrder, liveDirectorOrder } from "./host-inputs";
import { secretReader, sshTargetFor } from "./ssh-target";
import { targetFor } from "./target";

/** Reads which of `directors` hold which of `vips` right now. */
export type HolderReader = (directors: string[], vips: string[], log: (line: string) => void) => Promise<VipHolders>;

/**
 * Over SSH, with the secrets from the `pulumi-lvs` config namespace (as the providers read them). Its own connections,
 * closed after the read: the providers run in another process, and open sockets would keep the program alive.
 */
export function sshHolderReader(config: ClusterConfig): HolderReader {
  return async (directors, vips, log) => {
    const secret = secretReader(new pulumi.Config("pulumi-lvs"));
    const opened: SshTransport[] = [];
    const transportFor = async (host: string) => {
      const entry = config.hosts.find((h) => h.name === host)!;
      const t = await SshTransport.open({ ...sshTargetFor(host, targetFor(config, entry), secret), retries: 1 });
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

/** Where the live read can start from: a plain config (hosts known now) and a reader; else why it cannot. */
export type LiveOrderSource = { vips: string[]; read: HolderReader } | { why: string };

export async function decideDirectorOrder(staticOrder: string[], source: LiveOrderSource, log: (line: string) => void): Promise<string[]> {
  if (staticOrder.length === 0) return staticOrder;
  if ("why" in source) {
    log(`director order: ${staticOrder.join(", ")} (static: ${source.why})`);
    return staticOrder;
  }
  try {
    const holders = await source.read(staticOrder, source.vips, log);
    const order = liveDirectorOrder(staticOrder, Object.keys(holders));
    log(describeDirectorOrder(order, holders));
    return order;
  } catch (e) {
    log(`director order: ${staticOrder.join(", ")} (static: the VIP holders could not be read: ${e instanceof Error ? e.message : String(e)})`);
    return staticOrder;
  }
}
