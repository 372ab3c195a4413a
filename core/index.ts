// The pure core: config → validation → model → per-host desired state. No I/O beyond reading templates.
export * from "./config/schema";
export * from "./config/issues";
export * from "./config/validate";
export * from "./config/stack-file";
export * from "./config/secrets";
export * from "./model/cluster";
export * from "./model/vrid";
export * from "./render/paths";
export * from "./render/host-state";
export { keepalivedView } from "./render/keepalived-view";

import { requireValidCluster } from "./config/validate";
import { buildModel } from "./model/cluster";
import { renderCluster, RenderOptions, HostState } from "./render/host-state";
import type { ConfigIssue } from "./config/issues";

/** Validates, models and renders in one call; throws ConfigError listing every problem. */
export function renderFromConfig(raw: unknown, options: RenderOptions = {}): { hosts: HostState[]; warnings: ConfigIssue[] } {
  const { config, warnings } = requireValidCluster(raw);
  return { hosts: renderCluster(buildModel(config), options), warnings };
}
