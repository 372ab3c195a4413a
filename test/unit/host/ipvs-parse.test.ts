// The IPVS table parser's edges as data, beside the recorded tables in test/fixtures/facts/ipvs: lines that look like
// services or members but are not, hex and decimal forms, IPv6 endpoints, and what the command reads when.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ipvsKey, ipvsTable, parseIpvs } from "../../../host/facts/ipvs";

const HEAD = "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";
const rs = (address: string, port: number, forward = "Route", weight = 1, activeConn = 0, inactConn = 0) => ({ address, port, forward, weight, activeConn, inactConn });
const svc = (protocol: string, address: string, scheduler: string, flags = "", realServers: unknown[] = []) => ({ protocol, address, scheduler, flags, realServers });

const cases: { name: string; stdout: string; want: unknown }[] = [
  { name: "the header alone: loaded, no services", stdout: HEAD, want: { loaded: true, services: [] } },
  { name: "no header: not read as loaded, whatever follows", stdout: "TCP  10.0.0.1:80 rr\n", want: { loaded: false, services: [svc("TCP", "10.0.0.1:80", "rr")] } },
  { name: "the not-loaded marker wins over any table", stdout: `${HEAD}@@ip_vs-not-loaded\nTCP  10.0.0.1:80 rr\n`, want: { loaded: false, services: [] } },
  {
    name: "a member line before any service is ignored, and so is the RemoteAddress heading",
    stdout: `${HEAD}  -> 10.0.0.9:80 Route 1 0 0\nSCTP  10.0.0.1:9 sh\n  -> RemoteAddress:Port Forward 1 0 0\n  -> 10.0.0.2:9 Tunnel 5 7 8\n`,
    want: { loaded: true, services: [svc("SCTP", "10.0.0.1:9", "sh", "", [rs("10.0.0.2", 9, "Tunnel", 5, 7, 8)])] },
  },
  {
    name: "flags after the scheduler are kept whole and trimmed; each member belongs to the service above it",
    stdout: `${HEAD}TCP  10.0.0.1:443 sh persistent 300 mask 255.255.255.0   \n  -> 10.0.0.2:443 Masq 0 1 2\nUDP  10.0.0.1:53 rr ops\n  -> 10.0.0.3:53 Masq 2 0 0\n`,
    want: {
      loaded: true,
      services: [svc("TCP", "10.0.0.1:443", "sh", "persistent 300 mask 255.255.255.0", [rs("10.0.0.2", 443, "Masq", 0, 1, 2)]), svc("UDP", "10.0.0.1:53", "rr", "ops", [rs("10.0.0.3", 53, "Masq", 2)])],
    },
  },
  {
    name: "a negative weight is read as one (ipvsadm prints what the kernel holds); a malformed member line is not a member",
    stdout: `${HEAD}TCP  10.0.0.1:80 rr\n  -> 10.0.0.2:80 Route -1 0 0\n  -> 10.0.0.3:80 Route 1 0\n  -> 10.0.0.4:80 Route 1 0 0 extra\n`,
    want: { loaded: true, services: [svc("TCP", "10.0.0.1:80", "rr", "", [rs("10.0.0.2", 80, "Route", -1)])] },
  },
  {
    name: "IPv6 services keep their brackets, members read as canonical addresses; hex forms only when both parts are hex of the right width",
    stdout: `${HEAD}TCP  [2001:db8::1]:80 rr\n  -> [2001:db8::2]:80 Route 1 0 0\nTCP  0A000001:0050 rr\n  -> 0A000002:50 Route 1 0 0\n  -> 0a0000ff:01bb Route 1 0 0\nFWM  0000000A rr\nFWM  12 rr\nTCP  nonsense rr\n`,
    want: {
      loaded: true,
      services: [
        svc("TCP", "[2001:db8::1]:80", "rr", "", [rs("2001:db8::2", 80)]),
        svc("TCP", "10.0.0.1:80", "rr", "", [rs("0A000002", 50), rs("10.0.0.255", 443)]),
        svc("FWM", "10", "rr"),
        svc("FWM", "12", "rr"),
        svc("TCP", "nonsense:0", "rr"),
      ],
    },
  },
];
for (const c of cases) test(`parseIpvs: ${c.name}`, () => assert.deepEqual(parseIpvs(c.stdout), c.want));

test("ipvs fact: reads nothing when ip_vs is not loaded (ipvsadm would load it), else ipvsadm, else /proc/net/ip_vs", () => {
  assert.equal(
    ipvsTable.command,
    "if [ ! -e /proc/net/ip_vs ]; then echo '@@ip_vs-not-loaded'; elif command -v ipvsadm >/dev/null; then ipvsadm -Ln; else cat /proc/net/ip_vs; fi",
  );
  assert.equal(ipvsTable.id, "ipvs");
});

test("ipvsKey: protocol and address, as status compares services", () => {
  assert.deepEqual([ipvsKey({ protocol: "TCP", address: "10.0.0.1:80" }), ipvsKey({ protocol: "FWM", address: "1" })], ["TCP 10.0.0.1:80", "FWM 1"]);
});
