// The direct driver's render: values the config leaves out are read on the hosts (a fake transport here) first,
// so the files it hands to the HostConfig provider hold real MACs and interfaces, never placeholders.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseStackFile } from "../../../core/config/stack-file";
import { requireValidCluster } from "../../../core/config/validate";
import { planWithDiscovery } from "../../../components/direct";
import type { Transport } from "../../../host/transport";
import { root } from "../host/fixtures";

const MACS: Record<string, string> = { d1: "52:54:00:77:00:11", d2: "52:54:00:77:00:12" };

function configOf(file: string, mutate: (c: any) => void = () => undefined) {
  const raw = structuredClone(parseStackFile(fs.readFileSync(path.join(root, "examples", file), "utf8")).cluster) as any;
  mutate(raw);
  return requireValidCluster(raw).config;
}

/** Each lab host answers with its MAC on eth0 and eth0 as the route to anything. */
function lab(calls: string[]) {
  return async (host: string): Promise<Transport> => ({
    host,
    async run(script) {
      calls.push(host);
      const ids = [...script.matchAll(/^echo '@@pulumi-lvs:begin (\S+)'$/gm)].map((m) => m[1]);
      const answer = (id: string) => (id.startsWith("mac-") ? `${MACS[host]}\n` : `${id.slice(6)} dev eth0 src 10.77.0.1 uid 0 \n`);
      return { code: 0, stderr: "", stdout: ids.map((id) => `@@pulumi-lvs:begin ${id}\n${answer(id)}\n@@pulumi-lvs:end\n`).join("") };
    },
    close() {},
  });
}

test("co-located without MACs: the peer-MAC rules hold the discovered MACs and nothing is pending", async () => {
  const calls: string[] = [];
  const logged: string[] = [];
  const config = configOf("Pulumi.colocated.yaml", (c) => {
    for (const d of c.directors) delete d.mac;
  });
  const hosts = (await planWithDiscovery(config, undefined, lab(calls), (l) => logged.push(l))).hosts.map((h) => h.state);
  const nft = (h: string) => hosts.find((s) => s.host === h)!.files.find((f) => f.path === "/etc/pulumi-lvs/fwmark.nft")!;
  assert.match(nft("d1").content, /ether saddr != 52:54:00:77:00:12 meta mark set/);
  assert.match(nft("d2").content, /ether saddr != 52:54:00:77:00:11 meta mark set/);
  assert.deepEqual(hosts.flatMap((h) => h.files.flatMap((f) => f.pending)), []);
  assert.deepEqual(calls.sort(), ["d1", "d2"], "one round trip per host");
  assert.deepEqual(logged, ["discovered MAC of d2: 52:54:00:77:00:12, MAC of d1: 52:54:00:77:00:11"]);
});

test("DR real servers without an interface get the per-interface ARP sysctls; a complete config asks nobody", async () => {
  const calls: string[] = [];
  const hosts = (await planWithDiscovery(configOf("Pulumi.dr.yaml"), undefined, lab(calls))).hosts.map((h) => h.state);
  const sysctl = hosts.find((h) => h.host === "r1")!.files.find((f) => f.path === "/etc/sysctl.d/90-pulumi-lvs.conf")!.content;
  assert.match(sysctl, /net\.ipv4\.conf\.eth0\.arp_ignore = 1/);
  assert.deepEqual(calls.sort(), ["r1", "r2", "r3"]);

  const none: string[] = [];
  await planWithDiscovery(configOf("Pulumi.colocated.yaml"), undefined, lab(none));
  assert.deepEqual(none, []);
});
