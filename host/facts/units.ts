// systemd unit states (active, enabled, main PID) for the given units.
import type { Fact } from "./fact";
import { sh } from "../quote";

export interface UnitState {
  active: string;
  enabled: string;
  mainPid: number;
  loaded: boolean;
}

export function unitStates(units: string[]): Fact<Record<string, UnitState>> {
  return {
    id: "units",
    command: units.length === 0 ? "true" : `systemctl show --property=Id,LoadState,ActiveState,UnitFileState,MainPID ${sh(...units)}`,
    parse(stdout) {
      const out: Record<string, UnitState> = {};
      for (const block of stdout.split(/\n\s*\n/)) {
        const kv = new Map<string, string>();
        for (const line of block.split("\n")) {
          const i = line.indexOf("=");
          if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1).trim());
        }
        const id = kv.get("Id");
        if (!id) continue;
        out[id] = {
          active: kv.get("ActiveState") ?? "unknown",
          enabled: kv.get("UnitFileState") ?? "",
          mainPid: Number(kv.get("MainPID") ?? 0),
          loaded: kv.get("LoadState") === "loaded",
        };
      }
      return out;
    },
  };
}
