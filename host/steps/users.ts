// Creates the unprivileged keepalived_script user that keepalived's script security runs checks as.
import type { HostState } from "../../core/render/host-state";
import type { HostFacts } from "../facts/host-facts";
import { sh } from "../quote";
import { NOTHING, StepResult } from "./step";

export function ensureUsers(state: HostState, facts: HostFacts): StepResult {
  const user = state.users.find((u) => u.name === "keepalived_script");
  if (!user || facts.scriptUser) return NOTHING;
  return {
    commands: [sh("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user.name)],
    changes: [`create system user ${user.name}`],
  };
}
