// The keepalived.conf the host's 2.2.7 config test reads (#2587): script blocks and script lines cut at the
// indentation they opened at, everything else byte for byte.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withoutScripts } from "../../../core/render/script-free";

const cases: { name: string; conf: string; want: string }[] = [
  {
    name: "a top-level vrrp_script block and the track_script block of an instance",
    conf: 'vrrp_script chk_web {\n    script "/usr/bin/true"\n    interval 2\n}\nvrrp_instance VI_1 {\n    state MASTER\n    track_script {\n        chk_web\n    }\n    priority 150\n}\n',
    want: "vrrp_instance VI_1 {\n    state MASTER\n    priority 150\n}\n",
  },
  {
    name: "a MISC_CHECK inside a real_server goes; a TCP_CHECK beside it and the closing braces stay",
    conf: "virtual_server 10.0.0.1 80 {\n    real_server 10.0.0.21 80 {\n        MISC_CHECK {\n            misc_path \"/bin/true\"\n        }\n    }\n    real_server 10.0.0.22 80 {\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n}\n",
    want: "virtual_server 10.0.0.1 80 {\n    real_server 10.0.0.21 80 {\n    }\n    real_server 10.0.0.22 80 {\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n}\n",
  },
  {
    name: "a block ends at the brace of its own indentation, not at an inner one",
    conf: "    MISC_CHECK {\n        x {\n        }\n    }\n    keep 1\n",
    want: "    keep 1\n",
  },
  {
    name: "notify and quorum lines go; look-alike keywords and comments stay",
    conf: 'vrrp_instance VI_1 {\n    notify_master "/etc/keepalived/m.sh MASTER"\n    notify_stop "/x"\n    notify_master_rx_lower_pri "/y"\n    # vrrp_script old {\n}\nvirtual_server 10.0.0.1 80 {\n    quorum_up "/u"\n    quorum_down "/d"\n    quorum 1\n}\n',
    want: 'vrrp_instance VI_1 {\n    notify_master_rx_lower_pri "/y"\n    # vrrp_script old {\n}\nvirtual_server 10.0.0.1 80 {\n    quorum 1\n}\n',
  },
  { name: "a config without scripts is unchanged", conf: "global_defs {\n    router_id d1\n}\n", want: "global_defs {\n    router_id d1\n}\n" },
];
for (const c of cases) test(`withoutScripts: ${c.name}`, () => assert.equal(withoutScripts(c.conf), c.want));
