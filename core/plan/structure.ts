// The names and roles of a cluster, which must be known when resources are declared (they name them), read from a
// config that may not be validated yet: in a Pulumi program other values (addresses, secrets) may be Outputs.
export interface Structure {
  hosts: string[];
  directors: { host: string; priority: number }[];
  /** Hosts that are a member or the sorry server of some service (real servers; a co-located director is one too). */
  members: Set<string>;
  services: string[];
}

/** A name that is not a plain string: it cannot name a resource. */
export class StructureError extends Error {
  constructor(what: string) {
    super(`pulumi-lvs:cluster: ${what} must be a plain string (not an Output): it names a resource`);
    this.name = "StructureError";
  }
}

export function structureOf(raw: unknown): Structure {
  const c = (raw ?? {}) as {
    hosts?: { name?: unknown }[];
    directors?: { host?: unknown; priority?: unknown }[];
    services?: { name?: unknown; realServers?: { host?: unknown }[]; sorryServer?: { host?: unknown } }[];
  };
  const plain = (v: unknown, what: string): string => {
    if (typeof v !== "string") throw new StructureError(what);
    return v;
  };
  return {
    hosts: (c.hosts ?? []).map((h) => plain(h.name, "hosts[].name")),
    directors: (c.directors ?? []).map((d) => ({ host: plain(d.host, "directors[].host"), priority: typeof d.priority === "number" ? d.priority : 0 })),
    members: new Set(
      (c.services ?? []).flatMap((s) => [
        ...(s.realServers ?? []).map((m) => plain(m.host, "services[].realServers[].host")),
        // A sorry server is set up as a real server of its service: it is deployed with them.
        ...(s.sorryServer ? [plain(s.sorryServer.host, "services[].sorryServer.host")] : []),
      ]),
    ),
    services: (c.services ?? []).map((s) => plain(s.name, "services[].name")),
  };
}
