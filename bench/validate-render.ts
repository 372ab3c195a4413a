// Benchmark (not a test): validate + plan (model, render, split) for 2 directors × 1,000 real servers × 50 VIPs. Target < 200 ms.
import { performance } from "node:perf_hooks";
import { validateCluster } from "../core/config/validate";
import { planCluster } from "../core/plan";

function bigCluster(realServers: number, vips: number, membersPerVip: number) {
  const ip = (n: number) => `10.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
  const hosts = [
    { name: "d1", address: ip(11) },
    { name: "d2", address: ip(12) },
    ...Array.from({ length: realServers }, (_, i) => ({ name: `r${i}`, address: ip(1000 + i) })),
  ];
  return {
    name: "bench",
    subnet: "10.0.0.0/8",
    hosts,
    directors: [
      { host: "d1", priority: 150 },
      { host: "d2", priority: 100 },
    ],
    vrrp: [{ name: "VI_1" }],
    services: Array.from({ length: vips }, (_, v) => ({
      name: `svc${v}`,
      vip: ip(60000 + v),
      port: 80,
      scheduler: "wlc",
      healthCheck: { type: "HTTP", path: "/health" },
      realServers: Array.from({ length: membersPerVip }, (_, k) => {
        const i = (v * membersPerVip + k) % realServers;
        return { host: `r${i}`, weight: 1 + (i % 3) };
      }),
    })),
  };
}

/** Wall-clock and CPU milliseconds of one validate+model+render (CPU time is steadier on a loaded machine). */
function once(raw: unknown): { wall: number; cpu: number } {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const result = validateCluster(raw);
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.key}: ${i.message}`).join("\n"));
  const { hosts } = planCluster(result.config!);
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  if (hosts.length !== 1002) throw new Error(`expected 1002 rendered hosts, got ${hosts.length}`);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export interface RenderFigure {
  label: string;
  medianWallMs: number;
  medianCpuMs: number;
}

export function measure(label: string, raw: unknown): RenderFigure {
  for (let i = 0; i < 3; i++) once(raw); // warm-up: JIT, ajv compile, template compile
  const runs = Array.from({ length: 15 }, () => once(raw));
  const wall = runs.map((r) => r.wall);
  const cpu = median(runs.map((r) => r.cpu));
  console.log(
    `${label}: median ${median(wall).toFixed(1)} ms wall (min ${Math.min(...wall).toFixed(1)}, max ${Math.max(...wall).toFixed(1)}), ` +
      `median ${cpu.toFixed(1)} ms CPU; target < 200 ms: ${median(wall) < 200 ? "met" : "NOT met"}`,
  );
  return { label, medianWallMs: median(wall), medianCpuMs: cpu };
}

export function renderFigures(): RenderFigure[] {
  return [
    // 1,000 real servers spread over 50 VIPs (20 members each): every real server serves one VIP.
    measure("validate+render 2 directors × 1000 real servers × 50 VIPs (20 members/VIP)", bigCluster(1000, 50, 20)),
    // Worst case: every VIP has all 1,000 members (50,000 real_server blocks per keepalived.conf).
    measure("validate+render 2 directors × 1000 real servers × 50 VIPs (1000 members/VIP)", bigCluster(1000, 50, 1000)),
  ];
}

if (require.main === module) renderFigures();

