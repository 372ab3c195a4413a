// Scenario: keepalived's vocabulary beyond the basics, on one deploy. d1 (150) and d2 (100) run group VI_VOC, which
// tracks a dummy link vtrk0 and has all four notify hooks installed by pulumi-lvs (each logs which hook ran and the
// state it was called with). VIP 10.77.0.150 (+ 10.77.0.151 by virtual_server_group) serves:
//   web  :80   HTTP_GET,  r1 with sorry server r2, installed quorum_up/quorum_down scripts
//   ping :8080 PING_CHECK r1 r2      udp :5140/udp UDP_CHECK r1 r2
//   dns  :53/udp DNS_CHECK r1 r2     smtp :25    SMTP_CHECK r1 r2
// Shown: every notify hook fires on a failover (keepalived stopped / started on the MASTER, its tracked link down /
// up) with the state it is for, on the director it is for; each new check kind takes a failing real server out of
// IPVS and puts it back; the sorry server serves while every member is down and leaves when one returns, with
// quorum_down / quorum_up run; the group VIP answers. Destroy leaves every host at its baseline (scripts gone).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyCluster, DeploymentState } from "../../components/direct";
import type { LabState } from "../../lab/state";
import { startWeb } from "../../lab/web";
import { CLIENT, ipvsDestsIfPresent, requestsFromClient, snapshotAll, vipHolders, waitFor, waitForDataPath } from "../support/data-path";
import { ensureLab, labDrCluster, must } from "../support/lab-session";
import { endScenario } from "../support/scenario";
import { removeProtocols, startProtocol, stopProtocol } from "../support/lab-protocols";

const VIP = "10.77.0.150";
const GROUP_VIP = "10.77.0.151";
const GROUP = "VI_VOC";
const TRACKED = "vtrk0";
const REAL = ["r1", "r2"];
// The web service's one member and its sorry server (a member of the other services: two real servers are enough, and
// each host more costs the CI ~40 s of deploy and destroy).
const MEMBER = "r1";
const SORRY = "r2";
const DIRECTORS = ["d1", "d2"];
const CHECK = { delayLoop: 2, retry: 1, delayBeforeRetry: 1, connectTimeout: 1 };
// delay_loop × (retry + 1) + connect timeouts, plus polling, ssh and a slow TCG guest.
const BOUND = 12;

const hook = (name: string, tag: string) => ({ content: `#!/bin/sh\nlogger -t ${tag} "hook=${name} state=$1 name=$2"\n` });

function cluster(lab: LabState): Record<string, unknown> {
  const base = labDrCluster(lab, { realServers: REAL.map((host) => ({ host })) });
  const members = REAL.map((host) => ({ host }));
  return {
    ...base,
    name: "vocab",
    vrrp: [
      {
        name: GROUP,
        advertInt: 1,
        trackInterfaces: [{ interface: TRACKED }],
        notify: { master: hook("master", "lvs-notify"), backup: hook("backup", "lvs-notify"), fault: hook("fault", "lvs-notify"), stop: hook("stop", "lvs-notify") },
      },
    ],
    services: [
      {
        name: "web",
        vip: VIP,
        port: 80,
        groupVips: [GROUP_VIP],
        scheduler: "rr",
        quorumUp: hook("quorum-up", "lvs-quorum"),
        quorumDown: hook("quorum-down", "lvs-quorum"),
        sorryServer: { host: SORRY },
        healthCheck: { type: "HTTP", path: "/", ...CHECK },
        realServers: [{ host: MEMBER }],
      },
      { name: "ping", vip: VIP, port: 8080, healthCheck: { type: "PING", delayLoop: 2, retry: 1, delayBeforeRetry: 1, connectTimeout: 1 }, realServers: members },
      { name: "udp", vip: VIP, port: 5140, protocol: "UDP", healthCheck: { type: "UDP", ...CHECK }, realServers: members },
      { name: "dns", vip: VIP, port: 53, protocol: "UDP", healthCheck: { type: "DNS", queryType: "A", queryName: "lab.example", ...CHECK }, realServers: members },
      { name: "smtp", vip: VIP, port: 25, healthCheck: { type: "SMTP", heloName: "lb.lab.example", ...CHECK }, realServers: members },
    ],
  };
}

describe("e2e: keepalived vocabulary (notify, track_interface, sorry server, quorum hooks, group VIPs, PING/UDP/DNS/SMTP checks)", { timeout: 20 * 60_000 }, () => {
  let lab: LabState;
  let booted = false;
  let deployed: DeploymentState = {};
  let baseline = new Map<string, string>();
  const started = Date.now();
  const log = (l: string) => console.log(`e2e: vocabulary: ${l}`);
  const addr = (h: string, port: number) => `${lab.hosts[h].address}:${port}`;

  /** `hook=… state=…` lines a tag logged on `host` after `since` (epoch seconds with fraction, on that host). */
  const logged = async (host: string, tag: string, since: string) =>
    (await must(lab, host, `journalctl -t ${tag} --no-pager -o short-unix || true`))
      .split("\n")
      .map((l) => /^(\d+\.\d+) \S+ [^:]+: (hook=.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) > Number(since))
      .map((m) => m[2]);
  const now = async (host: string) => (await must(lab, host, "date +%s.%N")).trim();
  const hooksIn = (lines: string[]) => lines.map((l) => l.split(" ")[0].slice("hook=".length));
  /** `want` occurs in `got` in order (keepalived may pass through more states on the way, e.g. BACKUP before MASTER). */
  const inOrder = (got: string[], want: string[]) => want.reduce((at, w) => (at < 0 ? at : got.indexOf(w, at) < 0 ? -1 : got.indexOf(w, at) + 1), 0) >= 0;

  /** Waits until every director has logged the wanted hooks (in order) since its mark; returns what each logged. */
  async function hooksFired(marks: Record<string, string>, want: Record<string, string[]>, what: string, last_: (d: string) => string | undefined = () => undefined) {
    let last: Record<string, string[]> = {};
    try {
      const { seconds } = await waitFor(what, 30, async () => {
        last = {};
        for (const d of Object.keys(want)) last[d] = await logged(d, "lvs-notify", marks[d]);
        const ok = Object.entries(want).every(([d, hooks]) => inOrder(hooksIn(last[d]), hooks) && (last_(d) === undefined || hooksIn(last[d]).at(-1) === last_(d)));
        return ok ? true : undefined;
      }, 300);
      return { seconds, lines: last };
    } catch (e) {
      throw new Error(`${(e as Error).message}; logged: ${JSON.stringify(last)}`);
    }
  }

  /** Each line names a hook and the state keepalived called it with: they must agree (master ↔ MASTER, …). */
  const assertStatesMatch = (lines: Record<string, string[]>) => {
    for (const [d, ls] of Object.entries(lines))
      for (const l of ls) {
        const m = /^hook=(\w+) state=(\w+) name=(\S+)$/.exec(l);
        assert.ok(m, `${d}: unexpected notify line ${l}`);
        assert.equal(m[2], m[1].toUpperCase(), `${d}: the ${m[1]} hook was called with state ${m[2]}`);
        assert.equal(m[3], GROUP, `${d}: the ${m[1]} hook was called for ${m[3]}`);
      }
  };

  const marks = async () => Object.fromEntries(await Promise.all(DIRECTORS.map(async (d) => [d, await now(d)] as const)));

  let deployMarks: Record<string, string> = {};

  before(async () => {
    ({ lab, booted } = ensureLab());
    baseline = await snapshotAll(lab, [...DIRECTORS, ...REAL, CLIENT]);
    await Promise.all(DIRECTORS.map((d) => must(lab, d, `ip link add ${TRACKED} type dummy 2>/dev/null || true; ip link set ${TRACKED} up`)));
    startWeb(lab, REAL);
    await Promise.all([startProtocol(lab, REAL, "udp", 5140), startProtocol(lab, REAL, "dns", 53), startProtocol(lab, REAL, "smtp", 25)]);
    const t0 = Date.now();
    deployMarks = await marks();
    deployed = await applyCluster(cluster(lab), {}, { log });
    await waitForDataPath(lab, { vip: VIP, service: `-t ${VIP}:80`, dests: [addr(MEMBER, 80)] });
    log(`provisioned d1, d2 + r1, r2 (5 services, 4 notify and 2 quorum scripts installed) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  after(() =>
    endScenario({
      lab,
      deployed,
      web: REAL,
      baseline,
      booted,
      log: (l) => log(`${l} (file wall time so far ${((Date.now() - started) / 1000).toFixed(1)} s)`),
      cleanup: async () => {
        await removeProtocols(lab, REAL);
        await Promise.all([
          ...REAL.map((r) => must(lab, r, "sysctl -q -w net.ipv4.icmp_echo_ignore_all=0")),
          ...DIRECTORS.map((d) => must(lab, d, `ip link del ${TRACKED} 2>/dev/null || true`)),
        ]);
      },
    }),
  );

  it("installed scripts are root:root 0755 on both directors, and the first election ran master on d1 and backup on d2", async () => {
    for (const d of DIRECTORS) {
      const stat = await must(lab, d, "stat -c '%U:%G %a %n' /etc/keepalived/pulumi-lvs-*.sh");
      const lines = stat.trim().split("\n");
      assert.equal(lines.length, 6, `${d}: ${stat}`);
      for (const l of lines) assert.match(l, /^root:root 755 \/etc\/keepalived\/pulumi-lvs-(notify-VI_VOC-(master|backup|fault|stop)|quorum-web-(up|down))\.sh$/, d);
    }
    // d2 is converged first (it holds no VIP) and may be MASTER alone for a moment before d1 starts and preempts.
    const first = await hooksFired(deployMarks, { d1: ["master"], d2: ["backup"] }, "the first election's hooks", (d) => (d === "d1" ? "master" : "backup"));
    assertStatesMatch(first.lines);
    log(`first election: d1 ran ${first.lines.d1.join(" | ")}; d2 ran ${first.lines.d2.join(" | ")}`);
  });

  // Each failover step restores the cluster in `finally` (keepalived started, the link up), so a failing step does not
  // leave d1 without keepalived for the checks after it; the next step reads the hooks that restoration ran.
  let restoreMarks: Record<string, string> = {};
  const holderIs = (d: string) => waitFor(`${d} alone to hold the VIP`, 20, async () => ((await vipHolders(lab, VIP)).join() === d ? true : undefined));

  it("keepalived stopped on the MASTER: d1 runs its stop hook (STOP), d2 its master hook (MASTER) and takes the VIP", async () => {
    const m = await marks();
    await must(lab, "d1", "systemctl stop keepalived");
    try {
      const r = await hooksFired(m, { d1: ["stop"], d2: ["master"] }, "stop on d1, master on d2");
      assertStatesMatch(r.lines);
      await holderIs("d2");
      log(`keepalived stopped on d1: d1 ran ${hooksIn(r.lines.d1).join(", ")}, d2 ran ${hooksIn(r.lines.d2).join(", ")} within ${r.seconds.toFixed(1)} s`);
    } finally {
      restoreMarks = await marks();
      await must(lab, "d1", "systemctl start keepalived");
    }
  });

  it("keepalived started again on d1: d1 runs its master hook (preempt), d2 its backup hook", async () => {
    const r = await hooksFired(restoreMarks, { d1: ["master"], d2: ["backup"] }, "d1 back as master, d2 backup");
    assertStatesMatch(r.lines);
    await holderIs("d1");
    log(`keepalived started on d1: d1 ran ${hooksIn(r.lines.d1).join(", ")}, d2 ran ${hooksIn(r.lines.d2).join(", ")} within ${r.seconds.toFixed(1)} s`);
  });

  it(`the MASTER's tracked link ${TRACKED} down: d1 runs its fault hook (FAULT), d2 its master hook and takes the VIP`, async () => {
    const m = await marks();
    await must(lab, "d1", `ip link set ${TRACKED} down`);
    try {
      const r = await hooksFired(m, { d1: ["fault"], d2: ["master"] }, "fault on d1 (tracked link down), master on d2");
      assertStatesMatch(r.lines);
      await holderIs("d2");
      log(`${TRACKED} down on d1: d1 ran ${hooksIn(r.lines.d1).join(", ")}, d2 ran ${hooksIn(r.lines.d2).join(", ")} within ${r.seconds.toFixed(1)} s; the VIP moved to d2`);
    } finally {
      restoreMarks = await marks();
      await must(lab, "d1", `ip link set ${TRACKED} up`);
    }
  });

  it(`${TRACKED} up again: d1 leaves FAULT and runs its master hook, d2 its backup hook`, async () => {
    const r = await hooksFired(restoreMarks, { d1: ["master"], d2: ["backup"] }, "d1 recovers from FAULT and preempts");
    assertStatesMatch(r.lines);
    await holderIs("d1");
    log(`${TRACKED} up on d1: d1 ran ${hooksIn(r.lines.d1).join(", ")}, d2 ran ${hooksIn(r.lines.d2).join(", ")} within ${r.seconds.toFixed(1)} s`);
  });

  it(`PING, UDP, DNS and SMTP checks each take their failing real server out of IPVS within ${BOUND} s and put it back`, async () => {
    // One failure per check kind, all at once: r1 stops answering pings and DNS, r2 closes its UDP port and SMTP.
    const failures = [
      { check: "PING", service: `-t ${VIP}:8080`, host: "r1", port: 8080, fail: "sysctl -q -w net.ipv4.icmp_echo_ignore_all=1", restore: "sysctl -q -w net.ipv4.icmp_echo_ignore_all=0" },
      { check: "UDP", service: `-u ${VIP}:5140`, host: "r2", port: 5140, kind: "udp" as const },
      { check: "DNS", service: `-u ${VIP}:53`, host: "r1", port: 53, kind: "dns" as const },
      { check: "SMTP", service: `-t ${VIP}:25`, host: "r2", port: 25, kind: "smtp" as const },
    ];
    const destsOf = async (service: string) => ((await ipvsDestsIfPresent(lab, "d1", service)) ?? []).map((d) => d.address).sort();
    for (const f of failures) assert.deepEqual(await destsOf(f.service), REAL.map((h) => addr(h, f.port)).sort(), `${f.check}: both members are in before the failure`);

    const watch = async (gone: boolean) => {
      const t0 = Date.now();
      const seen: Record<string, number> = {};
      let last = "";
      await waitFor(gone ? "each failing member to leave" : "each member to return", BOUND + 10, async () => {
        const states = await Promise.all(failures.map(async (f) => ({ f, dests: await destsOf(f.service) })));
        last = states.map((s) => `${s.f.check}: [${s.dests.join(",")}]`).join("; ");
        for (const s of states) {
          const other = REAL.filter((h) => h !== s.f.host).map((h) => addr(h, s.f.port));
          const want = gone ? other : REAL.map((h) => addr(h, s.f.port)).sort();
          if (JSON.stringify(s.dests) === JSON.stringify(want)) seen[s.f.check] ??= (Date.now() - t0) / 1000;
          else delete seen[s.f.check];
        }
        return Object.keys(seen).length === failures.length ? true : undefined;
      }, 200).catch((e) => {
        throw new Error(`${(e as Error).message}; last: ${last}`);
      });
      return seen;
    };

    for (const f of failures) await (f.kind ? stopProtocol(lab, f.host, f.kind) : must(lab, f.host, f.fail!));
    const down = await watch(true);
    log(`failing members removed from d1's IPVS after: ${failures.map((f) => `${f.check} ${f.host} ${down[f.check].toFixed(1)} s`).join(", ")} (bound ${BOUND} s)`);
    for (const f of failures) assert.ok(down[f.check] <= BOUND, `${f.check}: removal took ${down[f.check]} s`);

    for (const f of failures) await (f.kind ? startProtocol(lab, [f.host], f.kind, f.port) : must(lab, f.host, f.restore!));
    const up = await watch(false);
    log(`members back in d1's IPVS after: ${failures.map((f) => `${f.check} ${f.host} ${up[f.check].toFixed(1)} s`).join(", ")} (bound ${BOUND} s)`);
    for (const f of failures) assert.ok(up[f.check] <= BOUND, `${f.check}: return took ${up[f.check]} s`);
  });

  it("the sorry server serves while every member is down (quorum_down runs) and leaves when one returns (quorum_up runs); the group VIP serves too", async () => {
    const group = await requestsFromClient(lab, `http://${GROUP_VIP}/`, 6);
    assert.deepEqual(group.errors, []);
    assert.deepEqual(group.counts, { [MEMBER]: 6 }, `the virtual_server_group VIP ${GROUP_VIP} is served by the member, not the sorry server`);

    const service = `-t ${VIP}:80`;
    const dests = async () => ((await ipvsDestsIfPresent(lab, "d1", service)) ?? []).map((d) => d.address).sort().join(",");
    const mark = await now("d1");
    await must(lab, MEMBER, "systemctl stop lab-web");
    const sorry = await waitFor("only the sorry server in IPVS", BOUND + 10, async () => ((await dests()) === addr(SORRY, 80) ? true : undefined), 200);
    const during = await requestsFromClient(lab, `http://${VIP}/`, 6);
    assert.deepEqual(during.errors, []);
    assert.deepEqual(during.counts, { [SORRY]: 6 }, "every request is answered by the sorry server");
    log(`${MEMBER} down: the sorry server ${SORRY} alone in IPVS after ${sorry.seconds.toFixed(1)} s, and answered 6/6 requests`);

    startWeb(lab, [MEMBER]);
    const back = await waitFor(`${MEMBER} back and the sorry server gone`, BOUND + 10, async () => ((await dests()) === addr(MEMBER, 80) ? true : undefined), 200);
    const afterBack = await requestsFromClient(lab, `http://${VIP}/`, 6);
    assert.deepEqual(afterBack.counts, { [MEMBER]: 6 }, "the sorry server has left");
    log(`${MEMBER} up: the sorry server left IPVS after ${back.seconds.toFixed(1)} s; ${MEMBER} answered 6/6`);

    const quorum = await waitFor("quorum-down then quorum-up on d1", 10, async () => {
      const lines = await logged("d1", "lvs-quorum", mark);
      return lines.length >= 2 ? lines : undefined;
    });
    assert.deepEqual(quorum.value, ["hook=quorum-down state=DOWN name=web", "hook=quorum-up state=UP name=web"]);
    log(`d1 ran: ${quorum.value.join(" | ")}`);
  });

  it("a second apply of the same config leaves every host unchanged (the render, discovered values included, is stable)", async () => {
    const lines: string[] = [];
    const previous = deployed;
    deployed = await applyCluster(cluster(lab), deployed, { log: (l) => (lines.push(l), log(l)) });
    for (const h of [...DIRECTORS, ...REAL]) {
      assert.ok(lines.includes(`${h}: unchanged`), `${h} must be reported unchanged: ${lines.join(" | ")}`);
      assert.equal(deployed[h], previous[h], `${h}: the provider must not have touched it`);
    }
  });
});
