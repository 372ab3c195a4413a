import * as os from "node:os";
import * as path from "node:path";
import * as fs from "node:fs";
import { tryLoadLabState } from "../../lab/state";
import { currentCheckout, EngineStack, pulumiCliDir } from "../support/engine";
import { repoRoot } from "../support/repo-root";
import { engineCluster, labPrivateKey, VRRP_PASSWORD } from "./cluster";
(async () => {
  const lab = tryLoadLabState()!;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "eng-"));
  const s = new EngineStack("engine-exp", path.join(tmp, "backend"), pulumiCliDir(), path.join(tmp, "home"));
  const r = currentCheckout("repo", repoRoot(), path.join(repoRoot(), ".engine-work"));
  s.writeConfig(r, engineCluster(lab, [{ host: "r1" }, { host: "r2" }, { host: "r3" }]));
  await s.setSecret(r, "sshKey", labPrivateKey(lab));
  await s.setSecret(r, "vrrpPassword", VRRP_PASSWORD);
  const p = await s.preview(r);
  console.log(p.output);
  console.log(JSON.stringify(p.changeSummary), p.ms);
})().catch((e) => { console.error(e); process.exit(1); });
