// Strings that would change the meaning of a host file are refused by their key, naming the character and why; what
// a format can carry (quoted or in its written form) is accepted and lands as one value where it is meant.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildModel } from "../../../core/model/cluster";
import { renderCluster } from "../../../core/render/host-state";
import { validateCluster } from "../../../core/config/validate";
import { ConfigError } from "../../../core/config/issues";
import { readKeepalived } from "../../support/readers/keepalived-lexer";
import { readSysctlD } from "../../support/readers/line-formats";
import { assertAccepted, assertRejected, listing, mutated, RuleCase } from "./fixture";

const K = "pulumi-lvs:cluster";
const http = (path: string) => (c: any) => (c.services[0].healthCheck = { type: "HTTP", path });
const track = (script: string) => (c: any) => (c.vrrp[0].trackScripts = [{ name: "chk", script }]);

const cases: RuleCase[] = [
  {
    name: "a brace in an HTTP path would close a keepalived block",
    bad: http("/a}b"),
    key: `${K}.services[0].healthCheck.path`,
    message: /^"\}" at position 3 is refused: keepalived splits a line at "\}" outside double quotes and reads it as a block end.*; percent-encode it as %7D$/,
    good: http("/a%7Db"),
  },
  {
    name: "an opening brace too",
    bad: http("/{id}"),
    key: `${K}.services[0].healthCheck.path`,
    message: /^"\{" at position 2 is refused: .*block start/,
    good: http("/%7Bid%7D"),
  },
  {
    name: "# in an HTTP path would cut the line",
    bad: http("/health#x"),
    key: `${K}.services[0].healthCheck.path`,
    message: /^"#" at position 8 is refused: keepalived reads "#" as the start of a comment anywhere outside double quotes, so the rest of the line would be dropped/,
    good: http("/health%23x"),
  },
  {
    name: "! in an HTTP path would cut the line",
    bad: http("/a!b"),
    key: `${K}.services[0].healthCheck.path`,
    message: /^"!" at position 3 is refused: keepalived reads "!" as the start of a comment/,
    good: http("/a%21b"),
  },
  {
    name: "an HTTP path is one word",
    bad: http("/a b"),
    key: `${K}.services[0].healthCheck.path`,
    message: /^space \(U\+0020\) at position 3 is refused: an HTTP request path cannot contain a space/,
    good: http("/a%20b?x=1&y=2"),
  },
  {
    name: "an HTTP path fits keepalived's line",
    bad: http("/" + "a".repeat(900)),
    key: `${K}.services[0].healthCheck.path`,
    message: /is longer than 900 bytes: keepalived reads config lines of at most 1023 bytes \(MAXBUF\)/,
    good: http("/" + "a".repeat(899)),
  },
  {
    name: "a status code range keepalived accepts",
    bad: (c) => (c.services[0].healthCheck = { type: "HTTP", statusCode: "299-200" }),
    key: `${K}.services[0].healthCheck.statusCode`,
    message: /^is an empty range: 299 is above 200$/,
    good: (c) => (c.services[0].healthCheck = { type: "HTTP", statusCode: "200-399" }),
  },
  {
    name: "status codes are 100-599",
    bad: (c) => (c.services[0].healthCheck = { type: "HTTP", statusCode: "600" }),
    key: `${K}.services[0].healthCheck.statusCode`,
    message: /outside 100-599/,
    good: (c) => (c.services[0].healthCheck = { type: "HTTP", statusCode: "599" }),
  },
  {
    name: "a sysctl key with a newline would write another line",
    bad: (c) => (c.sysctls = { "net.core.somaxconn\nkernel.panic": 1 }),
    key: `${K}.sysctls["net.core.somaxconn\\nkernel.panic"]`,
    message: /^newline \(U\+000A\) at position 19 is refused: a line break would end the sysctl\.d line and start a new one$/,
    good: (c) => (c.sysctls = { "net.core.somaxconn": 1 }),
  },
  {
    name: "a sysctl key with a space",
    bad: (c) => (c.hosts[0].sysctls = { "net.core.x y": 1 }),
    key: `${K}.hosts[0].sysctls["net.core.x y"]`,
    message: /^space \(U\+0020\) at position 11 is refused: systemd-sysctl strips spaces around the key/,
    good: (c) => (c.hosts[0].sysctls = { "net.core.x_y": 1 }),
  },
  {
    name: "a sysctl key with an empty name (..)",
    bad: (c) => (c.sysctls = { "net.ipv4..ip_forward": 1 }),
    key: `${K}.sysctls["net.ipv4..ip_forward"]`,
    message: /^has an empty name between separators/,
    good: (c) => (c.sysctls = { "net.ipv4.ip_forward": 1 }),
  },
  {
    name: "a sysctl key with a .. segment",
    bad: (c) => (c.sysctls = { "net/ipv4/../../kernel/panic": 1 }),
    key: `${K}.sysctls["net/ipv4/../../kernel/panic"]`,
    message: /^has the path segment "\.\.", which would leave its directory under \/proc\/sys$/,
    good: (c) => (c.sysctls = { "kernel/panic": 1 }),
  },
  {
    name: "a sysctl key outside /proc/sys",
    bad: (c) => (c.sysctls = { "etc.passwd": 1 }),
    key: `${K}.sysctls["etc.passwd"]`,
    message: /^starts with "etc", which is not a directory of \/proc\/sys/,
    good: (c) => (c.sysctls = { "vm.swappiness": 10 }),
  },
  {
    name: "a sysctl key that is a glob",
    bad: (c) => (c.sysctls = { "net.ipv4.conf.*.rp_filter": 0 }),
    key: `${K}.sysctls["net.ipv4.conf.*.rp_filter"]`,
    message: /systemd-sysctl reads it as a glob/,
    good: (c) => (c.sysctls = { "net.ipv4.conf.all.rp_filter": 0 }),
  },
  {
    name: "a sysctl value with a newline would write another line",
    bad: (c) => (c.hosts[1].sysctls = { "net.core.somaxconn": "1\nkernel.panic = 1" }),
    key: `${K}.hosts[1].sysctls["net.core.somaxconn"]`,
    message: /^newline \(U\+000A\) at position 2 is refused: a line break would end the sysctl\.d line/,
    good: (c) => (c.hosts[1].sysctls = { "net.ipv4.ip_local_port_range": "32768 60999" }),
  },
  {
    name: "a script with a double quote",
    bad: track('/bin/sh -c "x"'),
    key: `${K}.vrrp[0].trackScripts[0].script`,
    message: /^double quote \(U\+0022\) at position 12 is refused: the value is written inside double quotes, and keepalived has no escape for a '"' there$/,
    good: track("/bin/sh -c 'x'"),
  },
  {
    name: "a script with a keepalived definition",
    bad: track("/bin/echo $_HASH"),
    key: `${K}.vrrp[0].trackScripts[0].script`,
    message: /keepalived substitutes \$NAME and \$\{NAME\} definitions on every line, inside quotes too \(\$_HASH becomes "#"/,
    good: track("/bin/echo $HOME"),
  },
  {
    name: "a script with a backslash",
    bad: (c) => (c.services[0].healthCheck = { type: "MISC", script: "/bin/grep a\\.b /etc/x" }),
    key: `${K}.services[0].healthCheck.script`,
    message: /^backslash \(U\+005C\) at position 12 is refused: keepalived reads the config twice/,
    good: (c) => (c.services[0].healthCheck = { type: "MISC", script: "/bin/grep a.b /etc/x" }),
  },
  {
    name: "a script with an unbalanced single quote",
    bad: track("/bin/sh -c 'true"),
    key: `${K}.vrrp[0].trackScripts[0].script`,
    message: /unbalanced "'": keepalived groups words between single quotes and drops a script whose quote is not closed/,
    good: track("/bin/sh -c 'true'"),
  },
  {
    name: "an interface named like a sysctl scope",
    bad: (c) => (c.directors[0].interface = "default"),
    key: `${K}.directors[0].interface`,
    message: /^"default" names the sysctl scope net\.ipv4\.conf\.default, not an interface/,
    good: (c) => (c.directors[0].interface = "eth1"),
  },
  {
    name: "an interface named ..",
    bad: (c) => (c.realServers = [{ host: "r1", interface: ".." }]),
    key: `${K}.realServers[0].interface`,
    message: /is not a valid interface name/,
    good: (c) => (c.realServers = [{ host: "r1", interface: "eth0.10" }]),
  },
  {
    name: "a name with a brace",
    bad: (c) => (c.vrrp[0].trackScripts = [{ name: "chk}", script: "/bin/true" }]),
    key: `${K}.vrrp[0].trackScripts[0].name`,
    message: /^"\}" at position 4 is refused: keepalived splits a line at "\}"/,
    good: (c) => (c.vrrp[0].trackScripts = [{ name: "chk.1", script: "/bin/true" }]),
  },
];

for (const c of cases) {
  test(`formats: ${c.name}`, () => {
    assertRejected(mutated(c.bad), c.key, c.message);
    assertAccepted(mutated(c.good));
  });
}

function director(raw: unknown, secrets?: Record<string, string>) {
  const result = validateCluster(raw);
  assert.ok(result.ok, listing(result));
  return renderCluster(buildModel(result.config!), { secrets });
}

test("formats: one message per refused key, the one naming the character (not also the schema's pattern)", () => {
  const result = validateCluster(mutated((c) => (c.vrrp[0].name = "VI 1")));
  assert.deepEqual(
    result.issues.filter((i) => i.key === `${K}.vrrp[0].name`).map((i) => i.message.split(":")[0]),
    ["space (U+0020) at position 3 is refused"],
  );
});

test("formats: a script with #, ! and braces is quoted, and keepalived runs exactly its words", () => {
  const script = "/bin/sh -c 'test -f /run/x#1 && echo {ok}!'";
  const [d1] = director(mutated(track(script)));
  const files = Object.fromEntries(d1.files.map((f) => [f.path, f.content]));
  assert.match(files["/etc/keepalived/keepalived.conf"], /^ {4}script "\/bin\/sh -c 'test -f \/run\/x#1 && echo \{ok\}!'"$/m);
  const reading = readKeepalived(files);
  assert.deepEqual(reading.problems, []);
  const block = reading.statements.find((s) => s.words.join(" ") === "vrrp_script chk")!.block!;
  assert.deepEqual(block.find((s) => s.words[0] === "script")!.argv, ["/bin/sh", "-c", "test -f /run/x#1 && echo {ok}!"]);
});

test("formats: an interface with a dot gets sysctl keys in the written form, one path each", () => {
  const hosts = director(mutated((c) => (c.realServers = [{ host: "r1", interface: "eth0.10" }])));
  const r1 = hosts.find((h) => h.host === "r1")!;
  assert.equal(r1.sysctls["net.ipv4.conf.eth0/10.arp_ignore"], "1");
  const file = r1.files.find((f) => f.path.startsWith("/etc/sysctl.d/"))!.content;
  assert.match(file, /^net\.ipv4\.conf\.eth0\/10\.arp_ignore = 1$/m);
  assert.ok(readSysctlD(file).entries.some((e) => e.path === "net/ipv4/conf/eth0.10/arp_ignore" && e.value === "1"));
});

test("formats: a sysctl key in the slash form is written, and applied live, in the dot form", () => {
  const hosts = director(mutated((c) => (c.sysctls = { "net/ipv4/conf/eth0.10/rp_filter": 2 })));
  assert.equal(hosts[0].sysctls["net.ipv4.conf.eth0/10.rp_filter"], "2");
  assert.equal(hosts[0].sysctls["net/ipv4/conf/eth0.10/rp_filter"], undefined);
});

test("formats: a VRRP password keepalived would cut is refused by its secret's key, without showing it", () => {
  const raw = mutated((c) => (c.vrrp[0].auth = { password: { secret: "vrrpPassword" } }));
  for (const [password, message] of [
    ['ab"cd', /^\(the VRRP password of group "VI_1"\) the character at position 3 is refused: the value is written inside double quotes/],
    ["123456789", /is 9 bytes long: VRRP PASS authentication carries 8, and keepalived truncates a longer auth_pass$/],
  ] as const) {
    assert.throws(
      () => director(raw, { vrrpPassword: password }),
      (e: unknown) => e instanceof ConfigError && e.issues.length === 1 && e.issues[0].key === "pulumi-lvs:vrrpPassword" && message.test(e.issues[0].message) && !e.message.includes(password),
    );
  }
  const [d1] = director(raw, { vrrpPassword: "p#ss{!}" });
  const auth = d1.files.find((f) => f.secretKeys.includes("vrrpPassword"))!;
  assert.match(auth.content, /^auth_pass "p#ss\{!\}"$/m);
});
