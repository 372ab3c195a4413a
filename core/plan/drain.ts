// Draining as a render. An update that removes members from a virtual server first applies the new config with the
// removed members still in it, marked draining (the template writes their weight as 0), waits, then applies the new
// config without them. The previous members come from the deployed state (the provider's old inputs).
import { renderKeepalivedConf } from "../render/keepalived-conf";
import { hashFiles, HostState } from "../render/host-state";
import { PATHS } from "../render/paths";
import type { KeepalivedView, RealServerView } from "../render/views";

/** A member as it was deployed: its view without the draining mark. */
export type DeployedMember = Omit<RealServerView, "draining">;

/** The members of each virtual server a director runs, by the virtual server's address (`VIP PORT`, `fwmark N`). */
export type DeployedMembers = Record<string, DeployedMember[]>;

// Loose on purpose: a null that went through stored state may come back absent.
const memberKey = (m: Pick<DeployedMember, "address" | "port">) => (m.port == null ? m.address : `${m.address} ${m.port}`);

export function membersOf(view: KeepalivedView | undefined): DeployedMembers {
  const out: DeployedMembers = {};
  for (const vs of view?.virtualServers ?? [])
    out[vs.address] = vs.realServers.map(({ address, port, weight, connectPort }) => ({ address, port: port ?? null, weight, connectPort: connectPort ?? null }));
  return out;
}

/**
 * `next` with the members `previous` had and `next` drops added back as draining, or null when nothing drains. Only
 * a virtual server that keeps at least one of its members drains: one removed outright has nothing left to drain
 * into, and one whose members are all replaced is left to the new members. A member already at weight 0 has nothing to drain.
 */
export function drainingView(next: KeepalivedView, previous: DeployedMembers): KeepalivedView | null {
  let changed = false;
  const virtualServers = next.virtualServers.map((vs) => {
    const before = previous[vs.address] ?? [];
    const kept = new Set(vs.realServers.map(memberKey));
    if (!before.some((m) => kept.has(memberKey(m)))) return vs;
    const removed = before.filter((m) => !kept.has(memberKey(m)) && m.weight !== 0);
    if (removed.length === 0) return vs;
    changed = true;
    const draining: RealServerView[] = removed.map((m) => ({ ...m, draining: true }));
    return { ...vs, realServers: [...vs.realServers, ...draining] };
  });
  return changed ? { ...next, virtualServers } : null;
}

/** The state an update converges before `next` while removed members drain, or null when nothing drains. */
export function drainingState(next: HostState, previous: DeployedMembers): HostState | null {
  const view = next.keepalived && drainingView(next.keepalived, previous);
  if (!view) return null;
  const files = next.files.map((f) => (f.path === PATHS.keepalivedConf ? { ...f, content: renderKeepalivedConf(view) } : f));
  return { ...next, keepalived: view, files, hash: hashFiles(files) };
}
