// The pure core: config → validation → model → per-host desired state → the plan. No I/O beyond reading templates.
export * from "./config/schema";
export * from "./config/issues";
export * from "./config/validate";
export * from "./config/stack-file";
export * from "./config/secrets";
export * from "./model/cluster";
export * from "./model/vrid";
export * from "./render/paths";
export * from "./render/host-state";
export * from "./plan";
export { keepalivedView } from "./render/keepalived-view";

import { requireValidCluster } from "./config/validate";
import { planCluster, PlanOptions } from "./plan";
import type { HostState } from "./render/host-state";
import type { ConfigIssue } from "./config/issues";

/** Validates and plans in one call, for the host states alone; throws ConfigError listing every problem. */
export function renderFromConfig(raw: unknown, options: PlanOptions = {}): { hosts: HostState[]; warnings: ConfigIssue[] } {
  const { config, warnings } = requireValidCluster(raw);
  return { hosts: planCluster(config, options).hosts.map((h) => h.state), warnings };
}
