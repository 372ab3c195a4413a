// `pulumi-lvs status` with the vocabulary: a virtual_server_group is one IPVS service per VIP, all of them the
// config's; the sorry server in the table while every member is down is the config's too. Controls: a service and a
// real server that are in no config are still flagged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { requireValidCluster } from "../../../core/config/validate";
import { buildModel } from "../../../core/model/cluster";
import { renderCluster } from "../../../core/render/host-state";
import { HostResult, statusReport } from "../../../cli/status-report";
import { baseCluster } from "../config/fixture";

const dest = (address: string) => ({ address, port: 80, forward: "Route", weight: 1, activeConn: 0, inactConn: 0 });
const service = (address: string, dests: string[]) => ({ protocol: "TCP", address, scheduler: "wlc", flags: "", realServers: dests.map(dest) });

function report(services: ReturnType<typeof service>[]) {
  const c = baseCluster();
  c.hosts.push({ name: "r3", address: "10.77.0.23" });
  c.realServers = [{ host: "r1", interface: "eth0" }, { host: "r2", interface: "eth0" }, { host: "r3", interface: "eth0" }];
  Object.assign(c.services[0], { groupVips: ["10.77.0.101"], sorryServer: { host: "r3" } });
  const model = buildModel(requireValidCluster(c).config);
  const journal = (state: string) => ({ startedAt: "2026-12-02T05:00:00+0000", stopped: false, instances: { VI_1: { state, at: "2026-12-02T05:00:04+0000" } } });
  const director = (addr: string, state: string, vips: string[]) => ({
    keepalived: { active: "active", enabled: "enabled", mainPid: 700, loaded: true },
    interfaces: { eth0: [`${addr}/24`, ...vips.map((v) => `${v}/32`)] },
    journal: journal(state),
    ipvs: { loaded: true, services },
  });
  const rs = { interfaces: {}, lvs0: ["10.77.0.100/32", "10.77.0.101/32"], arp: { interface: "eth0", all: { arpIgnore: 1, arpAnnounce: 2 }, device: { arpIgnore: 1, arpAnnounce: 2 }, effective: { arpIgnore: 1, arpAnnounce: 2 } } };
  const facts = { d1: director("10.77.0.11", "MASTER", ["10.77.0.100", "10.77.0.101"]), d2: director("10.77.0.12", "BACKUP", []), r1: rs, r2: rs, r3: rs } as unknown as Record<string, HostResult>;
  return statusReport(model, renderCluster(model), facts).problems.map((p) => `${p.code} ${p.host}: ${p.message}`);
}

test("status: both VIPs of a virtual_server_group are the service's, and the sorry server serving alone is expected", () => {
  const problems = report([service("10.77.0.100:80", ["10.77.0.23"]), service("10.77.0.101:80", ["10.77.0.23"])]);
  // The members are down (that is why the sorry server serves): they are reported missing, nothing is unexpected.
  assert.deepEqual(problems.filter((p) => !p.startsWith("ipvs-realserver-missing")), []);
  assert.equal(problems.filter((p) => p.startsWith("ipvs-realserver-missing")).length, 8, problems.join("\n"));
  // Healthy: both members in both services, no sorry server: no problem at all.
  assert.deepEqual(report([service("10.77.0.100:80", ["10.77.0.21", "10.77.0.22"]), service("10.77.0.101:80", ["10.77.0.21", "10.77.0.22"])]), []);
});

test("status (control): a service and a real server in no config are still flagged", () => {
  const problems = report([
    service("10.77.0.100:80", ["10.77.0.21", "10.77.0.22", "10.77.0.29"]),
    service("10.77.0.101:80", ["10.77.0.21", "10.77.0.22"]),
    service("10.77.0.102:80", ["10.77.0.21"]),
  ]);
  assert.ok(problems.some((p) => /^ipvs-realserver-unexpected d1: .*10\.77\.0\.29:80 is not in the config/.test(p)), problems.join("\n"));
  assert.ok(problems.some((p) => /^ipvs-service-unexpected d1: .*TCP 10\.77\.0\.102:80 is not in the config/.test(p)), problems.join("\n"));
});
