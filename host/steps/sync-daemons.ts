// Stops IPVS sync daemons on a director whose config no longer asks for sync: keepalived starts them, but a reload
// without lvs_sync_daemon leaves them running, so the backup would go on receiving connections it should not hold.
import type { HostState } from "../../core/render/host-state";
import type { HostFacts } from "../facts/host-facts";
import { sh } from "../quote";
import { NOTHING, StepResult } from "./step";

export function ensureSyncDaemons(state: HostState, facts: HostFacts): StepResult {
  if (!state.roles.includes("director") || state.ipvsSync) return NOTHING;
  const running = facts.syncDaemons;
  if (!running) throw new Error("the IPVS sync daemons of a director were not read");
  if (running.length === 0) return NOTHING;
  return {
    commands: running.map((mode) => sh("ipvsadm", "--stop-daemon", mode)),
    changes: running.map((mode) => `stop the IPVS ${mode} sync daemon (connection sync is off)`),
  };
}
