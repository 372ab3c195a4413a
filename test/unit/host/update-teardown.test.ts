// An update that stops managing something (NAT → TUN drops ip_forward; a real server that leaves DR drops lvs0,
// its ARP sysctls and ipip) takes it back to the baseline; one that starts managing something records its
// pre-update value, so delete can restore it later.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { extendBaseline, Baseline } from "../../../host/baseline";
import { planTeardown, removedState } from "../../../host/teardown";
import { factsOf, stateOf } from "./states";

const state = (example: string, host: string) => stateOf({ example, host });
const noBaseline: Baseline = { sysctls: {}, modules: [], foreignFiles: [], keepalivedActive: false, keepalivedEnabled: false, scriptUser: false };

describe("update: removed state and extended baseline", () => {
  it("director NAT → TUN: ip_forward and send_redirects go back to its recorded value, the unused scheduler unloads; keepalived and its files stay", () => {
    const nat = state("nat", "d1");
    const tun = state("tun", "d1");
    const removed = removedState(nat, tun);
    assert.deepEqual(removed.sysctls, {
      "net.ipv4.ip_forward": "1",
      "net.ipv4.conf.all.send_redirects": "0",
      "net.ipv4.conf.default.send_redirects": "0",
      "net.ipv4.conf.eth0.send_redirects": "0",
    });
    assert.deepEqual(removed.files, []);
    assert.deepEqual(removed.services, []);
    const facts = factsOf(removed, { base: "converged", units: { "keepalived.service": { active: "active", enabled: "enabled", mainPid: 42, loaded: true } } });
    const plan = planTeardown(removed, facts, { ...noBaseline, sysctls: { "net.ipv4.ip_forward": "0" }, modules: ["ip_vs"] });
    assert.deepEqual(plan.commands, ["sysctl -q -w net.ipv4.ip_forward=0 || true", "modprobe -r ip_vs_wlc 2>/dev/null || true"]);
    assert.deepEqual(plan.changes, ["restore net.ipv4.ip_forward=0", "unload module ip_vs_wlc"]);
  });

  it("real server TUN → NAT: lvs0's unit stops, its file goes, ARP/rp_filter sysctls are restored, ipip unloads", () => {
    const tun = state("tun", "r1");
    const nat = state("nat", "r1");
    const removed = removedState(tun, nat);
    const facts = factsOf(removed, { base: "converged", units: { "pulumi-lvs-vip.service": { active: "active", enabled: "enabled", mainPid: 0, loaded: true } } });
    const plan = planTeardown(removed, facts, { ...noBaseline, sysctls: { "net.ipv4.conf.all.arp_ignore": "0", "net.ipv4.conf.all.rp_filter": "2" } });
    assert.ok(plan.changes.includes("stop and disable pulumi-lvs-vip.service"), plan.changes.join("; "));
    assert.ok(plan.changes.includes("remove /etc/systemd/system/pulumi-lvs-vip.service"), plan.changes.join("; "));
    assert.ok(plan.changes.includes("restore net.ipv4.conf.all.arp_ignore=0"), plan.changes.join("; "));
    assert.ok(plan.changes.includes("restore net.ipv4.conf.all.rp_filter=2"), plan.changes.join("; "));
    assert.ok(plan.changes.includes("unload module ipip"), plan.changes.join("; "));
  });

  it("a loaded unit the removed state does not name is left alone", () => {
    const tun = state("tun", "r1");
    const removed = removedState(tun, tun);
    const facts = factsOf(removed, { base: "fresh", units: { "pulumi-lvs-vip.service": { active: "active", enabled: "enabled", mainPid: 0, loaded: true } } });
    assert.deepEqual(planTeardown(removed, facts, noBaseline).commands, []);
  });

  it("real server NAT → TUN: the newly managed sysctls get their pre-update values; old records win", () => {
    const nat = state("nat", "r1");
    const tun = state("tun", "r1");
    const facts = factsOf(tun, {
      base: "fresh",
      sysctls: { "net.ipv4.conf.all.arp_ignore": "0", "net.ipv4.conf.all.arp_announce": "0", "net.ipv4.conf.all.rp_filter": "2" },
      modules: ["ipip"],
    });
    const b = extendBaseline({ ...noBaseline, modules: ["ip_vs"] }, nat, tun, facts, {});
    assert.deepEqual(b.sysctls, { "net.ipv4.conf.all.arp_ignore": "0", "net.ipv4.conf.all.arp_announce": "0", "net.ipv4.conf.all.rp_filter": "2" });
    assert.deepEqual(b.modules, ["ip_vs", "ipip"], "ipip was already loaded before the update: not ours to unload");
    const again = extendBaseline({ ...b, sysctls: { ...b.sysctls, "net.ipv4.conf.all.rp_filter": "1" } }, tun, tun, { ...facts, sysctls: { "net.ipv4.conf.all.rp_filter": "0" } }, {});
    assert.equal(again.sysctls["net.ipv4.conf.all.rp_filter"], "1", "a value recorded earlier is kept");
  });

  it("a host that becomes a director records keepalived's previous state and any foreign keepalived.conf", () => {
    const rs = state("nat", "r1");
    const director = state("nat", "d1");
    const facts = factsOf(director, {
      base: "fresh",
      files: { "/etc/keepalived/keepalived.conf": { sha256: "x", mode: "0644", owner: "root", group: "root" } },
      units: { "keepalived.service": { active: "active", enabled: "enabled", mainPid: 7, loaded: true } },
    });
    const b = extendBaseline(noBaseline, rs, director, facts, {});
    assert.equal(b.keepalivedActive, true);
    assert.equal(b.keepalivedEnabled, true);
    assert.deepEqual(b.foreignFiles, ["/etc/keepalived/keepalived.conf"]);
  });

  it("delete of a director with sync: keepalived stopped, then its sync daemons, then ip_vs can unload", () => {
    const d1 = state("dr", "d1");
    const facts = factsOf(d1, { base: "converged", syncDaemons: ["master"], units: { "keepalived.service": { active: "active", enabled: "enabled", mainPid: 9, loaded: true } } });
    const plan = planTeardown(d1, facts, noBaseline);
    const at = (c: string) => plan.commands.findIndex((x) => x.startsWith(c));
    assert.ok(at("systemctl stop keepalived") >= 0 && at("ipvsadm --stop-daemon master") > at("systemctl stop keepalived"), plan.commands.join("\n"));
    assert.ok(at("modprobe -r ip_vs ") > at("ipvsadm --stop-daemon master"), plan.commands.join("\n"));
    assert.ok(plan.changes.includes("stop the IPVS master sync daemon"));
  });

  it("delete where keepalived ran before pulumi-lvs: its sync daemons are not ours to stop", () => {
    const d1 = state("dr", "d1");
    const facts = factsOf(d1, { base: "converged", syncDaemons: ["master"] });
    const plan = planTeardown(d1, facts, { ...noBaseline, keepalivedActive: true, keepalivedEnabled: true });
    assert.ok(!plan.commands.some((c) => c.includes("--stop-daemon")), plan.commands.join("\n"));
  });

  it("delete of a co-located director removes its own /etc/pulumi-lvs directory once emptied (rmdir, never rm -r)", () => {
    const d1 = state("colocated", "d1");
    const plan = planTeardown(d1, factsOf(d1, { base: "converged" }), noBaseline);
    const rm = plan.commands.findIndex((c) => c === "rm -f /etc/pulumi-lvs/fwmark.nft");
    const rmdir = plan.commands.findIndex((c) => c.startsWith("rmdir /etc/pulumi-lvs "));
    assert.ok(rm >= 0 && rmdir > rm, plan.commands.join("\n"));
  });
});
