// keepalived's VRRP state per instance as it last logged it ("(VI_WEB) Entering MASTER STATE") since its latest
// start, from the unit's journal. Older keepalived writes "VRRP_Instance(VI_WEB) Entering …"; both are read.
import type { Fact } from "./fact";

export type VrrpLoggedState = "MASTER" | "BACKUP" | "FAULT";

export interface VrrpJournal {
  /** Timestamp of the latest "Starting Keepalived" line, or null when none is in the window read. */
  startedAt: string | null;
  /** The latest start was followed by a "Stopped Keepalived" line. */
  stopped: boolean;
  /** Latest logged state per VRRP instance since the latest start. */
  instances: Record<string, { state: VrrpLoggedState; at: string }>;
}

export const vrrpJournal: Fact<VrrpJournal> = {
  id: "vrrp-journal",
  command:
    "journalctl -u keepalived.service --no-pager -o short-iso -n 5000 | grep -E 'Starting Keepalived|Stopped Keepalived|Entering (MASTER|BACKUP|FAULT) STATE' | tail -n 200",
  parse(stdout) {
    const out: VrrpJournal = { startedAt: null, stopped: false, instances: {} };
    for (const line of stdout.split("\n")) {
      const at = /^(\S+)/.exec(line)?.[1] ?? "";
      if (/Starting Keepalived/.test(line)) {
        out.startedAt = at;
        out.stopped = false;
        out.instances = {};
        continue;
      }
      if (/Stopped Keepalived/.test(line)) {
        out.stopped = true;
        out.instances = {};
        continue;
      }
      const m = /\((\S+?)\)\s+Entering (MASTER|BACKUP|FAULT) STATE/.exec(line);
      if (m) out.instances[m[1]] = { state: m[2] as VrrpLoggedState, at };
    }
    return out;
  },
};
