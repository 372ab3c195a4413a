// IPv6 parsing, canonical text (RFC 5952) and prefix membership.
import { test } from "node:test";
import assert from "node:assert/strict";
import { canonicalIp, familyOf, isIpv4, inCidr6, parseCidr6, parseIpv6, specialRange6 } from "../../../core/model/ip";
import { inCidr, sameNetwork } from "../../../core/model/cidr";

test("ip: IPv6 spellings parse to one canonical text", () => {
  const cases: [string, string][] = [
    ["fd77::100", "fd77::100"],
    ["FD77:0000:0000:0000:0000:0000:0000:0100", "fd77::100"],
    ["fd77:0:0:1:0:0:0:1", "fd77:0:0:1::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["::", "::"],
    ["::1", "::1"],
    ["::ffff:10.0.0.1", "::ffff:a00:1"],
    ["fe80::", "fe80::"],
  ];
  for (const [given, canonical] of cases) assert.equal(canonicalIp(given), canonical, given);
});

test("ip: malformed IPv6 is refused, IPv4 is told apart", () => {
  for (const bad of ["fd77:::1", "fd77::1::2", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "fd77::g", "fd77::12345", "fd77::1%eth0", "::ffff:10.0.0.256", ""])
    assert.equal(parseIpv6(bad), undefined, bad);
  assert.equal(familyOf("10.0.0.1"), 4);
  assert.equal(familyOf("fd77::1"), 6);
  assert.equal(familyOf("10.0.0"), undefined);
});

test("ip: dotted quads, the octet rules at their edges", () => {
  for (const good of ["0.0.0.0", "10.0.0.1", "255.255.255.255", "1.22.199.250", "9.99.100.249"]) assert.equal(isIpv4(good), true, good);
  const bad = ["", "10.0.0", "10.0.0.1.2", "10.0.0.", ".10.0.0", "10..0.1", "256.0.0.1", "10.0.0.260", "01.0.0.1", "10.00.0.1",
    "1000.0.0.1", "10.0.0.1 ", " 10.0.0.1", "10.0.0.a", "10.0.0.-1", "fd77::1", "10.0.0.1/32"];
  for (const b of bad) assert.equal(isIpv4(b), false, b);
  // Remembered answers stay the answers: asked twice, the same.
  for (const b of bad) assert.equal(familyOf(b) === 4, false, b);
  assert.equal(familyOf("10.0.0.1"), 4);
  assert.equal(canonicalIp("FD77::0100"), "fd77::100");
  assert.equal(canonicalIp("FD77::0100"), "fd77::100");
});

test("ip: prefixes and membership, both families", () => {
  assert.deepEqual(parseCidr6("fd77::1/64"), { network: parseIpv6("fd77::"), prefix: 64 });
  assert.equal(parseCidr6("fd77::/129"), undefined);
  assert.ok(inCidr6("fd77::ffff:1", "fd77::/64"));
  assert.ok(!inCidr6("fd77:0:0:1::1", "fd77::/64"));
  assert.ok(inCidr("fd77::21", "fd77::/64"));
  assert.ok(inCidr("10.77.0.21", "10.77.0.0/24"));
  assert.ok(sameNetwork("fd77::1/64", "fd77::/64"));
  assert.ok(!sameNetwork("fd77::/64", "fd77::/63"));
  assert.ok(!sameNetwork("fd77::/64", "10.77.0.0/24"));
});

test("ip: ranges that cannot be a VIP", () => {
  assert.match(specialRange6("fe80::1")!, /link-local/);
  assert.match(specialRange6("febf::1")!, /link-local/);
  assert.equal(specialRange6("fec0::1"), undefined);
  assert.match(specialRange6("ff02::1")!, /multicast/);
  assert.match(specialRange6("::")!, /unspecified/);
  assert.match(specialRange6("::1")!, /loopback/);
  assert.match(specialRange6("::ffff:10.0.0.1")!, /IPv4-mapped/);
  assert.equal(specialRange6("fd77::100"), undefined);
  assert.equal(specialRange6("2001:db8::1"), undefined);
});
