// The format modules' emitters are the only way a value enters a file: one that validation should have refused is
// refused again there (FormatError), values read on hosts (discovered MACs and interfaces) included.
import { test } from "node:test";
import assert from "node:assert/strict";
import { keepalived, scriptWords } from "../../../core/formats/keepalived";
import { canonicalSysctlKey, sysctlKey, sysctlSegments } from "../../../core/formats/sysctl";
import { FormatError } from "../../../core/formats/lexicon";
import { validateCluster } from "../../../core/config/validate";
import { buildModel } from "../../../core/model/cluster";
import { renderCluster } from "../../../core/render/host-state";
import { mutated } from "../config/fixture";

test("emitters: a refused value throws FormatError; a secret's message does not carry it", () => {
  assert.throws(() => keepalived.httpPath("/a#b"), (e: unknown) => e instanceof FormatError && /"\/a#b" cannot be written as keepalived\.conf url path: "#" at position 3/.test((e as Error).message));
  assert.throws(() => keepalived.password('Zq"9xK'), (e: unknown) => e instanceof FormatError && !(e as Error).message.includes("Zq") && /a secret value/.test((e as Error).message));
  assert.equal(keepalived.script("/bin/true a{b}"), '"/bin/true a{b}"');
  assert.equal(keepalived.password("s3cret"), "s3cret", "a password keepalived reads whole stays as it was");
  assert.equal(keepalived.password("s3#c ret"), '"s3#c ret"');
  assert.equal(keepalived.name("VI_1"), "VI_1");
});

test("emitters: script words split at spaces, with single quotes grouping as in sh", () => {
  assert.deepEqual(scriptWords("/bin/sh -c 'a  b' c"), ["/bin/sh", "-c", "a  b", "c"]);
  assert.deepEqual(scriptWords("  /bin/true   x "), ["/bin/true", "x"]);
  assert.deepEqual(scriptWords("/bin/echo '' x'y'z"), ["/bin/echo", "", "xyz"]);
});

test("emitters: sysctl keys in either form are one key, written with a slash for a dot inside a name", () => {
  assert.deepEqual(sysctlSegments("net/ipv4/conf/eth0.10/rp_filter"), ["net", "ipv4", "conf", "eth0.10", "rp_filter"]);
  assert.deepEqual(sysctlSegments("net.ipv4.conf.eth0/10.rp_filter"), ["net", "ipv4", "conf", "eth0.10", "rp_filter"]);
  assert.equal(sysctlKey("net", "ipv4", "conf", "eth0.10", "rp_filter"), "net.ipv4.conf.eth0/10.rp_filter");
  assert.equal(canonicalSysctlKey("net/ipv4/ip_forward"), "net.ipv4.ip_forward");
});

function colocated(): any {
  const result = validateCluster(mutated((c) => c.services[0].realServers.push({ host: "d2" })));
  assert.ok(result.ok);
  return buildModel(result.config!);
}

test("emitters: a MAC or an interface read on a host is checked like a configured one", () => {
  assert.throws(() => renderCluster(colocated(), { discovered: { macs: { d1: "52:54:00:00:00:01; flush ruleset" }, interfaces: {} } }), FormatError);
  assert.throws(() => renderCluster(colocated(), { discovered: { macs: {}, interfaces: { r1: "eth0\nkernel.panic" } } }), FormatError);
  const hosts = renderCluster(colocated(), { discovered: { macs: { d1: "52:54:00:00:00:01", d2: "52:54:00:00:00:02" }, interfaces: { r1: "eth0", r2: "eth0", d2: "eth0" } } });
  assert.match(hosts.find((h) => h.host === "d2")!.files.find((f) => f.path.endsWith(".nft"))!.content, /ether saddr != 52:54:00:00:00:01 meta mark set 1/);
});
