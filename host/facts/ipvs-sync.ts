// The kernel's IPVS connection sync daemons (master and/or backup), read only where ip_vs is loaded: ipvsadm would
// otherwise load the module itself and change the host it is only meant to look at.
import type { Fact } from "./fact";

export type SyncMode = "master" | "backup";

export const ipvsSyncDaemons: Fact<SyncMode[]> = {
  id: "ipvs-sync",
  command: "if grep -qs '^ip_vs ' /proc/modules && command -v ipvsadm >/dev/null; then ipvsadm -L --daemon; fi",
  parse: (stdout) => [...stdout.matchAll(/^(master|backup) sync daemon\b/gm)].map((m) => m[1] as SyncMode).sort(),
};
