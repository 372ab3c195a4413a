// The sysctl.d reader oracle (test/support/readers/line-formats.ts) and the written key form (core/formats/sysctl.ts)
// against the real systemd-sysctl 252 and procps sysctl, in private network namespaces (net.* sysctls only, so nothing
// outside the namespace changes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readSysctlD } from "../../support/readers/line-formats";
import { sysctlKey } from "../../../core/formats/sysctl";
import { sysctlValues } from "../../../host/facts/sysctls";

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Applies `file` with systemd-sysctl in a fresh namespace (interfaces a.b and x1) and reads back `paths`. */
function applied(file: string, paths: string[]): Record<string, string> {
  const script = [
    "ip link add a.b type veth peer name x1",
    `printf '%s' ${q(file)} > /tmp/pulumi-lvs-sysctl-$$.conf`,
    "/lib/systemd/systemd-sysctl /tmp/pulumi-lvs-sysctl-$$.conf 2>/dev/null; rm -f /tmp/pulumi-lvs-sysctl-$$.conf",
    ...paths.map((p) => `printf '%s=%s\\n' ${q(p)} "$(cat /proc/sys/${q(p)} 2>/dev/null || echo '<none>')"`),
  ].join("\n");
  const run = spawnSync("unshare", ["--net", "sh", "-c", script], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return Object.fromEntries(run.stdout.trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

const CONF = "net/ipv4/conf";
const cases: { name: string; file: string }[] = [
  { name: "dot form", file: "net.ipv4.conf.x1.arp_ignore = 1\n" },
  { name: "slash form, a dot inside a name", file: "net/ipv4/conf/a.b/arp_ignore = 2\n" },
  { name: "dot form, a slash for the dot inside a name", file: "net.ipv4.conf.a/b.arp_announce = 2\n" },
  { name: "comments start only a line", file: "# net.ipv4.conf.x1.arp_ignore = 1\n; net.ipv4.conf.x1.arp_announce = 1\n  net.ipv4.conf.x1.arp_filter = 1\n" },
  { name: "spaces around key and value", file: "   net.ipv4.conf.x1.arp_ignore    =    2   \n" },
  { name: "a carriage return ends a line", file: "net.ipv4.conf.x1.arp_ignore = 1\rnet.ipv4.conf.x1.arp_announce = 1\n" },
  { name: "an empty name collapses", file: "net.ipv4.conf..x1.arp_ignore = 2\n" },
  { name: "a later line wins", file: "net.ipv4.conf.x1.arp_ignore = 1\nnet.ipv4.conf.x1.arp_ignore = 2\n" },
  { name: "a line without = is ignored", file: "net.ipv4.conf.x1.arp_ignore\nnet.ipv4.conf.x1.arp_announce = 1\n" },
  { name: "a leading - still applies", file: "-net.ipv4.conf.x1.arp_ignore = 1\n" },
];

for (const c of cases) {
  test(`sysctl.d conformance: ${c.name}`, () => {
    const reading = readSysctlD(c.file);
    const watched = ["x1", "a.b"].flatMap((i) => ["arp_ignore", "arp_announce", "arp_filter"].map((k) => `${CONF}/${i}/${k}`));
    const before = applied("", watched);
    const after = applied(c.file, watched);
    const predicted = { ...before, ...Object.fromEntries(reading.entries.map((e) => [e.path, e.value])) };
    assert.deepEqual(after, predicted, `reader: ${JSON.stringify(reading)}`);
  });
}

test("sysctl conformance: the written key form is what sysctl -w takes and sysctl prints (a dot inside a name as /)", () => {
  const key = sysctlKey("net", "ipv4", "conf", "a.b", "arp_ignore");
  assert.equal(key, "net.ipv4.conf.a/b.arp_ignore");
  const fact = sysctlValues([key]);
  const run = spawnSync("unshare", ["--net", "sh", "-c", `ip link add a.b type veth peer name x1 && sysctl -q -w ${q(`${key}=1`)} && ${fact.command}`], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(fact.parse(run.stdout), { [key]: "1" });
  assert.deepEqual(readSysctlD(`${key} = 1\n`).entries, [{ path: `${CONF}/a.b/arp_ignore`, value: "1" }]);
});
