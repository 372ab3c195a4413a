// The provider's peak memory at 100 hosts (2 directors + 98 real servers, 5 VIPs), simulated hosts (not a test): every
// host is a fake transport in the provider's SSH pool that answers every fact of the facts script as empty (a fresh
// host with nothing installed), as test/unit/components/direct-refresh.test.ts does. The HostPrepare and HostConfig
// providers then run for all 100 hosts at once in this one process, as the engine's one dynamic-provider process
// would: plan, facts read, prepare script, commit script. The commit's own verification (facts read again at the end
// of its batch) finds the fake host unchanged and fails; that is expected and counted, the memory up to it measured.
// Peak = this process's maxRSS (getrusage), so run it in its own process: node dist/bench/memory.js
import { requireValidCluster } from "../core/config/validate";
import { hostPlan, planCluster } from "../core/plan";
import { hostConfigProvider } from "../components/host-config-provider";
import { hostPrepareProvider } from "../components/host-prepare-provider";
import { configureSecrets } from "../components/direct";
import { deploymentOf, preparedText } from "../host/deploy";
import type { Transport } from "../host/transport";

const HOSTS = 100;
const TARGET_MB = 150;

function freshHost(host: string, counter: { scripts: number; bytes: number }): Transport & { closed: boolean } {
  return {
    host,
    closed: false,
    async run(script) {
      counter.scripts++;
      counter.bytes += script.length;
      const ids = [...script.matchAll(/^echo '@@pulumi-lvs:begin (\S+)'$/gm)].map((m) => m[1]);
      return { code: 0, stderr: "", stdout: ids.map((id) => `@@pulumi-lvs:begin ${id}\n\n@@pulumi-lvs:end\n`).join("") };
    },
    close() {},
  };
}

function cluster(realServers: number) {
  const ip = (n: number) => `10.0.${Math.floor(n / 256)}.${n % 256}`;
  const rs = Array.from({ length: realServers }, (_, i) => `r${i + 1}`);
  return {
    name: "mem",
    subnet: "10.0.0.0/16",
    ssh: { user: "root", privateKeyFile: "/dev/null" },
    hosts: [{ name: "d1", address: ip(11) }, { name: "d2", address: ip(12) }, ...rs.map((n, i) => ({ name: n, address: ip(100 + i) }))],
    directors: [
      { host: "d1", interface: "eth0", priority: 150 },
      { host: "d2", interface: "eth0", priority: 100 },
    ],
    // The serving interface given, so nothing is discovered (the fake hosts answer no discovery).
    realServers: rs.map((host) => ({ host, interface: "eth0" })),
    vrrp: [{ name: "VI_MEM" }],
    services: Array.from({ length: 5 }, (_, v) => ({
      name: `svc${v}`,
      vip: ip(60000 % 65536 + v),
      port: 80,
      scheduler: "wrr",
      healthCheck: { type: "NONE" },
      realServers: rs.map((host) => ({ host, weight: 1 })),
    })),
  };
}

async function main(): Promise<void> {
  await configureSecrets({});
  const { config } = requireValidCluster(cluster(HOSTS - 2));
  const plan = planCluster(config);
  const counter = { scripts: 0, bytes: 0 };
  const g = globalThis as { __pulumiLvsSshPool?: Map<string, Promise<unknown>> };
  const pool = (g.__pulumiLvsSshPool ??= new Map());
  const inputs = plan.hosts.map((h) => deploymentOf(hostPlan(plan, h.host).desired));
  for (const i of inputs) pool.set(`${i.target.user}@${i.target.address}:${i.target.port}`, Promise.resolve(freshHost(i.host, counter)));
  const rssBefore = process.resourceUsage().maxRSS / 1024;
  let verifyFailed = 0;
  let otherFailed: string[] = [];
  await Promise.all(
    inputs.map(async (i) => {
      const { drainSeconds: _d, ...desired } = i;
      const prepared = (await hostPrepareProvider.create(desired)).outs!;
      try {
        await hostConfigProvider.create({ ...i, prepared: preparedText(prepared) });
      } catch (e) {
        if (/verification after apply|still differs/.test((e as Error).message)) verifyFailed++;
        else otherFailed.push(`${i.host}: ${(e as Error).message}`);
      }
    }),
  );
  const peak = process.resourceUsage().maxRSS / 1024;
  if (otherFailed.length > 0) throw new Error(`unexpected failures: ${otherFailed.slice(0, 3).join("; ")}`);
  console.log(
    `provider peak memory at ${inputs.length} simulated hosts (prepare + commit of every host at once, one process): ` +
      `${peak.toFixed(0)} MB maxRSS (${rssBefore.toFixed(0)} MB after loading and planning); ${counter.scripts} scripts, ` +
      `${(counter.bytes / 1e6).toFixed(1)} MB of script text; ${verifyFailed} commits stopped at the fake host's verification as expected; ` +
      `target < ${TARGET_MB} MB: ${peak < TARGET_MB ? "met" : "NOT met"}`,
  );
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
