// The end of every end-to-end scenario: destroy what it deployed, stop the web app, prove each host is back to the
// baseline taken before create, and release the SSH pool (and the lab, when this scenario booted it).
import { destroyCluster, DeploymentState } from "../../components/direct";
import { closePool } from "../../host/ssh";
import type { LabState } from "../../lab/state";
import { stopWeb } from "../../lab/web";
import { assertBaseline } from "./data-path";
import { labDown } from "./lab-session";

export interface ScenarioEnd {
  lab: LabState;
  deployed: DeploymentState;
  /** Hosts running the lab web app. */
  web: string[];
  baseline: Map<string, string>;
  booted: boolean;
  log: (line: string) => void;
  /** Scenario-specific leftovers (capture tables, routes, client processes), removed before destroy. */
  cleanup?: () => Promise<void>;
}

export async function endScenario(end: ScenarioEnd): Promise<void> {
  try {
    await end.cleanup?.();
    await destroyCluster(end.deployed, { log: end.log });
    stopWeb(end.lab, end.web);
    await assertBaseline(end.lab, end.baseline, end.log);
    end.log("every host is back to its baseline");
  } finally {
    closePool();
    if (end.booted && process.env.KEEP_LAB !== "1") labDown();
  }
}
