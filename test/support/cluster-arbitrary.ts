// fast-check generator of cluster configs that are valid by construction: every choice respects the semantic rules
// (distinct priorities, track weights beyond the priority gap, DR/TUN without port remaps, co-location only with DR…).
import fc from "fast-check";

export const SCHEDULERS = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "mh", "fo", "ovf", "twos"] as const;

const port = fc.integer({ min: 1, max: 65535 });

const healthCheck = fc.oneof(
  fc.record(
    { type: fc.constant("TCP"), delayLoop: fc.integer({ min: 1, max: 30 }), retry: fc.integer({ min: 0, max: 5 }), connectTimeout: fc.integer({ min: 1, max: 10 }) },
    { requiredKeys: ["type"] },
  ),
  fc.record(
    {
      type: fc.constant("HTTP"),
      path: fc.constantFrom("/", "/health", "/status/ok?full=1"),
      statusCode: fc.constantFrom("200", "200-299", "204"),
      digest: fc.constant("9b3a0c85a887a256d6939da88aabd8cd"),
      delayBeforeRetry: fc.integer({ min: 1, max: 10 }),
    },
    { requiredKeys: ["type"] },
  ),
  fc.record({ type: fc.constant("SSL"), path: fc.constant("/"), port: fc.constant(443) }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("MISC"), script: fc.constantFrom("/bin/true", "/usr/bin/test -d /tmp"), scriptTimeout: fc.integer({ min: 1, max: 10 }) }, { requiredKeys: ["type", "script"] }),
  fc.record({ type: fc.constant("NONE") }),
  fc.record({ type: fc.constant("PING"), connectTimeout: fc.integer({ min: 1, max: 10 }), retry: fc.integer({ min: 0, max: 5 }) }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("UDP"), connectTimeout: fc.integer({ min: 1, max: 10 }) }, { requiredKeys: ["type"] }),
  fc.record(
    { type: fc.constant("DNS"), queryType: fc.constantFrom("A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA"), queryName: fc.constantFrom(".", "example.org", "_svc.example.org.") },
    { requiredKeys: ["type"] },
  ),
  fc.record({ type: fc.constant("SMTP"), heloName: fc.constantFrom("lb.example.org", "lb1") }, { requiredKeys: ["type"] }),
);

const service = fc.record({
  forwarding: fc.constantFrom("DR", "NAT", "TUN"),
  scheduler: fc.constantFrom(...SCHEDULERS),
  port,
  /** 0 = plain VIP:port; 1 = explicit fwmark with `port`; 2 = explicit fwmark with a `ports` list. */
  fwmarkMode: fc.constantFrom(0, 0, 1, 2),
  extraPort: port,
  colocate: fc.boolean(),
  persistence: fc.option(fc.record({ timeout: fc.integer({ min: 1, max: 86400 }), granularity: fc.option(fc.constant("255.255.255.0"), { nil: undefined }) }), { nil: undefined }),
  protocol: fc.constantFrom("TCP", "UDP", "SCTP"),
  members: fc.integer({ min: 1, max: 6 }),
  firstMember: fc.integer({ min: 0, max: 5 }),
  weights: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 7, maxLength: 7 }),
  natPort: fc.option(port, { nil: undefined }),
  quorum: fc.boolean(),
  /** keepalived's virtual_server flags and a quorum_down command. */
  flags: fc.record({ alpha: fc.boolean(), omega: fc.boolean(), inhibitOnFailure: fc.boolean(), quorumDown: fc.boolean() }),
  healthCheck,
});

const trackScript = fc.record({
  /** 0 = FAULT on failure; otherwise the weight is sized beyond the group's priority gap. */
  kind: fc.constantFrom("fault", "negative", "positive"),
  margin: fc.integer({ min: 1, max: 50 }),
  interval: fc.integer({ min: 1, max: 10 }),
  timeout: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
  fall: fc.integer({ min: 1, max: 5 }),
  rise: fc.integer({ min: 1, max: 5 }),
});

const group = fc.record({
  /** The family of the VIPs the group carries (its services follow it); IPv4 groups may ask for VRRPv3. */
  family: fc.constantFrom(4, 4, 6),
  version3: fc.boolean(),
  explicitVrid: fc.boolean(),
  advertInt: fc.constantFrom(1, 1, 2, 3),
  preempt: fc.constantFrom("default", "nopreempt", "delay"),
  unicast: fc.boolean(),
  interface: fc.option(fc.constantFrom("eth1", "bond0.10"), { nil: undefined }),
  priorityShift: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
  trackScripts: fc.array(trackScript, { maxLength: 2 }),
});

export const clusterParams = fc.record({
  directors: fc.integer({ min: 1, max: 3 }),
  /** Distinct priorities come from distinct offsets in 100..199, so every gap stays below 100. */
  priorityOffsets: fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { minLength: 3, maxLength: 3 }),
  masterFirst: fc.boolean(),
  directorInterface: fc.constantFrom("eth0", "ens3"),
  macs: fc.constantFrom("all", "none", "some"),
  realServers: fc.integer({ min: 1, max: 6 }),
  rsInterface: fc.boolean(),
  groups: fc.array(group, { minLength: 1, maxLength: 3 }),
  services: fc.array(service, { minLength: 1, maxLength: 5 }),
  /** The first two groups form one vrrp_sync_group (a dual-stack pair when their families differ). */
  syncPair: fc.boolean(),
  sync: fc.option(fc.record({ interface: fc.option(fc.constant("eth2"), { nil: undefined }), id: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }), lastGroup: fc.boolean() }), { nil: undefined }),
  timeouts: fc.option(fc.record({ tcp: fc.integer({ min: 1, max: 7200 }), tcpfin: fc.integer({ min: 1, max: 600 }), udp: fc.integer({ min: 1, max: 600 }) }, { requiredKeys: [] }), { nil: undefined }),
  connTabBits: fc.option(fc.integer({ min: 8, max: 20 }), { nil: undefined }),
  sloppyTcp: fc.boolean(),
});

export type ClusterParams = typeof clusterParams extends fc.Arbitrary<infer T> ? T : never;

/** 0, or |weight| beyond the gap; a positive weight must also keep the boosted backup below the ceiling 254. */
function trackWeight(kind: string, margin: number, gap: number, top: number): number {
  if (kind === "fault") return 0;
  const magnitude = Math.min(253, gap + margin);
  return kind === "positive" && top - gap + magnitude < 254 ? magnitude : -magnitude;
}

/** Builds the raw config (as it would appear under `pulumi-lvs:cluster`) from generated parameters. */
export function buildCluster(p: ClusterParams): Record<string, unknown> {
  const directorNames = Array.from({ length: p.directors }, (_, i) => `d${i + 1}`);
  const rsNames = Array.from({ length: p.realServers }, (_, i) => `r${i + 1}`);
  const groupCount = Math.min(p.groups.length, p.services.length);
  const groups = p.groups.slice(0, groupCount);
  const anyPreemptSetting = groups.some((g) => g.preempt !== "default");
  const priorities = directorNames.map((_, i) => 100 + p.priorityOffsets[i]);

  const vrrp = groups.map((g, gi) => {
    // A per-group override shifts every director by the same amount: still distinct, same gaps.
    const groupPriorities = g.priorityShift !== undefined ? Object.fromEntries(directorNames.map((d, i) => [d, priorities[i] + g.priorityShift!])) : undefined;
    const effective = [...(groupPriorities ? Object.values(groupPriorities) : priorities)].sort((a, b) => b - a);
    const gap = effective.length > 1 ? effective[0] - effective[1] : 0;
    return {
      name: `VI_${gi + 1}`,
      ...(g.family === 4 && g.version3 ? { version: 3 } : {}),
      ...(p.syncPair && groupCount >= 2 && gi < 2 ? { syncGroup: "SG_1" } : {}),
      ...(g.explicitVrid ? { virtualRouterId: 200 + gi } : {}),
      advertInt: g.advertInt,
      ...(g.preempt === "nopreempt" ? { nopreempt: true } : g.preempt === "delay" ? { preemptDelay: 30 } : {}),
      unicast: g.unicast,
      ...(g.interface ? { interface: g.interface } : {}),
      ...(groupPriorities ? { priorities: groupPriorities } : {}),
      trackScripts: g.trackScripts.map((t, ti) => ({
        name: `chk_${gi + 1}_${ti + 1}`,
        script: ti % 2 === 0 ? "/bin/true" : "/usr/bin/pgrep -x sshd",
        interval: t.interval,
        ...(t.timeout !== undefined ? { timeout: t.timeout } : {}),
        // nopreempt with a non-zero weight only warns; keep the weights anyway: warnings must not break rendering.
        // keepalived ignores weighted tracking in a sync group (the rule in semantic-families.ts): FAULT there.
        weight: p.syncPair && groupCount >= 2 && gi < 2 ? 0 : trackWeight(t.kind, t.margin, gap, effective[0]),
        fall: t.fall,
        rise: t.rise,
      })),
    };
  });

  const services = p.services.map((s0, i) => {
    const v6 = groups[i % groupCount].family === 6;
    // IPv6 services: no TUN (refused for now) and no IPv4 granularity netmask.
    const s = v6 ? { ...s0, forwarding: s0.forwarding === "TUN" ? "DR" : s0.forwarding, persistence: s0.persistence && { timeout: s0.persistence.timeout, granularity: undefined } } : s0;
    const colocated = s.colocate && s.forwarding === "DR";
    const pool = colocated ? [...rsNames, directorNames[0]] : rsNames;
    const count = Math.min(s.members, pool.length);
    const hosts = Array.from({ length: count }, (_, k) => pool[(s.firstMember + k) % pool.length]);
    if (colocated && !hosts.includes(directorNames[0])) hosts[0] = directorNames[0];
    const fwmark = s.fwmarkMode === 0 ? {} : s.fwmarkMode === 1 ? { fwmark: 100 + i, port: s.port } : { fwmark: 100 + i, ports: [...new Set([s.port, s.extraPort])] };
    const realServers = hosts.map((host, k) => ({
      host,
      // Total weight must reach the quorum (1): the first member always carries weight.
      weight: k === 0 ? Math.max(1, s.weights[k]) : s.weights[k],
      ...(s.forwarding === "NAT" && s.natPort !== undefined && s.fwmarkMode === 0 ? { port: s.natPort } : {}),
    }));
    const total = realServers.reduce((sum, m) => sum + m.weight, 0);
    return {
      name: `svc${i}`,
      vip: v6 ? `fd77::${(0x100 + i).toString(16)}` : `10.77.0.${100 + i}`,
      ...(s.fwmarkMode === 0 ? { port: s.port } : fwmark),
      protocol: s.protocol,
      scheduler: s.scheduler,
      forwarding: s.forwarding,
      ...(s.persistence ? { persistence: s.persistence.granularity ? s.persistence : { timeout: s.persistence.timeout } } : {}),
      vrrp: `VI_${(i % groupCount) + 1}`,
      ...(s.quorum ? { quorum: Math.max(1, Math.floor(total / 2)) } : {}),
      alpha: s.flags.alpha,
      omega: s.flags.omega,
      inhibitOnFailure: s.flags.inhibitOnFailure,
      ...(s.flags.quorumDown ? { quorumDown: { script: "/usr/bin/logger quorum lost" } } : {}),
      healthCheck: s.healthCheck,
      realServers,
    };
  });

  const memberHosts = new Set(services.flatMap((s) => s.realServers.map((m) => m.host)));
  const dual = groups.some((g) => g.family === 6);
  const address6 = (last: number) => (dual ? { address6: `fd77::${last.toString(16)}` } : {});
  const mac = (i: number) => `52:54:00:77:00:${(0x11 + i).toString(16)}`;
  return {
    name: "prop",
    subnet: "10.77.0.0/24",
    ...(dual ? { subnet6: "fd77::/64" } : {}),
    hosts: [
      ...directorNames.map((name, i) => ({ name, address: `10.77.0.${11 + i}`, ...address6(0x11 + i) })),
      ...rsNames.map((name, i) => ({ name, address: `10.77.0.${21 + i}`, ...address6(0x21 + i) })),
    ],
    directors: directorNames.map((host, i) => ({
      host,
      interface: p.directorInterface,
      priority: priorities[i],
      ...(p.masterFirst && !anyPreemptSetting && i === 0 ? { state: "MASTER" } : {}),
      ...(p.macs === "all" || (p.macs === "some" && i === 0) ? { mac: mac(i) } : {}),
    })),
    realServers: p.rsInterface ? rsNames.filter((r) => memberHosts.has(r)).map((host) => ({ host, interface: "eth0" })) : [],
    vrrp,
    services,
    sync: p.sync
      ? { enabled: true, ...(p.sync.interface ? { interface: p.sync.interface } : {}), ...(p.sync.id !== undefined ? { id: p.sync.id } : {}), ...(p.sync.lastGroup ? { vrrp: `VI_${groupCount}` } : {}) }
      : { enabled: false },
    ipvs: {
      ...(p.timeouts && Object.keys(p.timeouts).length > 0 ? { timeouts: p.timeouts } : {}),
      ...(p.connTabBits !== undefined ? { connTabBits: p.connTabBits } : {}),
      sloppyTcp: p.sloppyTcp,
    },
  };
}

export const validClusterCandidate = clusterParams.map(buildCluster);
