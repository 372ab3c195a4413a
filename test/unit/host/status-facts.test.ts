// `pulumi-lvs status`'s one round trip per host as data: which facts a director, a real server and a co-located host
// read (each once), and the sections of recorded command output (test/fixtures/facts) parsed back into the facts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { batchScript } from "../../../host/facts/fact";
import { gatherStatusFacts, parseStatusFacts, StatusFactsPlan, statusFactsScript } from "../../../host/facts/status-facts";
import type { Transport } from "../../../host/transport";
import { root } from "./fixtures";

interface Recorded {
  stdout: string;
  expected: any;
}
const recorded = (fact: string, name: string): Recorded => JSON.parse(fs.readFileSync(path.join(root, "test", "fixtures", "facts", fact, `${name}.json`), "utf8"));

const UNITS = recorded("units", "active-failed-disabled");
const JOURNAL = recorded("vrrp-journal", "master-after-init");
const IPVS = recorded("ipvs", "ipvsadm-dr-three-members");
const LVS0 = recorded("addresses", "lvs0-several");
const ARP = recorded("arp", "lab-guest-route");
const ETH0 = { stdout: "2: eth0    inet 10.77.0.11/24 brd 10.77.0.255 scope global eth0\\       valid_lft forever preferred_lft forever\n2: eth0    inet 10.77.0.100/32 scope global eth0\\       valid_lft forever preferred_lft forever\n", expected: ["10.77.0.100/32", "10.77.0.11/24"] };

/** What a host answers to the status script: each section's recorded output, framed by the real sh as the batch frames it. */
function answered(sections: [string, string][]): string {
  const script = batchScript(sections.map(([id, out]) => ({ id, command: `printf '%s' '${out.replace(/'/g, `'\\''`)}'`, parse: (s) => s })));
  return execFileSync("/bin/sh", ["-s"], { input: script, encoding: "utf8" });
}

const sectionIds = (script: string) => [...script.matchAll(/^echo '@@pulumi-lvs:begin (\S+)'$/gm)].map((m) => m[1]);

const director: StatusFactsPlan = { director: true, vrrpInterfaces: ["eth0"] };
const realServer: StatusFactsPlan = { director: false, vrrpInterfaces: [], realServer: { interface: null, toward: "10.77.0.11" } };
const colocated: StatusFactsPlan = { director: true, vrrpInterfaces: ["eth0", "lvs0"], realServer: { interface: "eth0", toward: "10.77.0.12" } };

const cases: { name: string; plan: StatusFactsPlan; ids: string[]; sections: [string, string][]; want: unknown }[] = [
  {
    name: "a director: keepalived's unit, the VRRP journal, the IPVS table, each VRRP interface's addresses",
    plan: director,
    ids: ["units", "vrrp-journal", "ipvs", "addresses-eth0"],
    sections: [["units", UNITS.stdout], ["vrrp-journal", JOURNAL.stdout], ["ipvs", IPVS.stdout], ["addresses-eth0", ETH0.stdout]],
    want: { keepalived: UNITS.expected["keepalived.service"], journal: JOURNAL.expected, ipvs: IPVS.expected, interfaces: { eth0: ETH0.expected } },
  },
  {
    name: "a real server: lvs0's addresses and the ARP settings on the interface toward a director",
    plan: realServer,
    ids: ["addresses-lvs0", "arp"],
    sections: [["addresses-lvs0", LVS0.stdout], ["arp", ARP.stdout]],
    want: { interfaces: {}, lvs0: LVS0.expected, arp: ARP.expected },
  },
  {
    name: "a co-located host whose VRRP interfaces include lvs0: each fact read once",
    plan: colocated,
    ids: ["units", "vrrp-journal", "ipvs", "addresses-eth0", "addresses-lvs0", "arp"],
    sections: [["units", UNITS.stdout], ["vrrp-journal", JOURNAL.stdout], ["ipvs", IPVS.stdout], ["addresses-eth0", ETH0.stdout], ["addresses-lvs0", LVS0.stdout], ["arp", ARP.stdout]],
    want: {
      keepalived: UNITS.expected["keepalived.service"],
      journal: JOURNAL.expected,
      ipvs: IPVS.expected,
      interfaces: { eth0: ETH0.expected, lvs0: LVS0.expected },
      lvs0: LVS0.expected,
      arp: ARP.expected,
    },
  },
];

for (const c of cases) {
  test(`status facts: ${c.name}`, async () => {
    const script = statusFactsScript(c.plan);
    assert.deepEqual(sectionIds(script), c.ids);
    const stdout = answered(c.sections);
    assert.deepEqual(parseStatusFacts(c.plan, stdout), c.want);
    // Through a transport: the script is sent once, with a bound, and its output parsed the same way.
    const sent: [string, number | undefined][] = [];
    const transport = { host: "h", run: async (s: string, o?: { timeoutMs?: number }) => (sent.push([s, o?.timeoutMs]), { code: 0, stdout, stderr: "" }), close() {} } as unknown as Transport;
    assert.deepEqual(await gatherStatusFacts(transport, c.plan), c.want);
    assert.deepEqual(sent, [[script, 60_000]]);
  });
}

test("status facts: the commands are the facts' own, read-only (the real server's interface from the route toward the director)", () => {
  const script = statusFactsScript(realServer);
  assert.match(script, /^\{ ip -o addr show dev lvs0 scope global ; \} 2>\/dev\/null <\/dev\/null$/m);
  assert.match(script, /ip -o route get 10\.77\.0\.11 /);
  assert.match(statusFactsScript(director), /systemctl show --property=Id,LoadState,ActiveState,UnitFileState,MainPID keepalived\.service ;/);
  assert.match(statusFactsScript(colocated), /dev=eth0; /, "a configured interface is used as given");
});

test("status facts: output cut short is an error naming the missing section, not a host without facts", () => {
  const stdout = answered([["units", UNITS.stdout], ["vrrp-journal", JOURNAL.stdout]]);
  assert.throws(() => parseStatusFacts(director, stdout), /^Error: fact ipvs: no output section \(the status script was cut short\)$/);
  assert.throws(() => parseStatusFacts(realServer, answered([["addresses-lvs0", LVS0.stdout]])), /^Error: fact arp: no output section/);
});
