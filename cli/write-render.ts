// Writes rendered host states as <dir>/<host>/<absolute path> plus a manifest of the non-file settings.
import * as fs from "node:fs";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { HostState, isSecretFile } from "../core/render/host-state";

export function manifestOf(hosts: HostState[]) {
  return {
    generator: "pulumi-lvs",
    // The keepalived model is already in the rendered keepalived.conf; the manifest lists the other settings.
    hosts: hosts.map(({ files, keepalived: _keepalived, ...rest }) => ({
      ...rest,
      files: files.map((f) => ({
        path: f.path,
        mode: f.mode,
        owner: f.owner,
        group: f.group,
        sha256: isSecretFile(f) ? null : createHash("sha256").update(f.content).digest("hex"),
        secretKeys: f.secretKeys,
        pending: f.pending,
      })),
    })),
  };
}

export function writeRender(outDir: string, hosts: HostState[]): void {
  for (const host of hosts) {
    for (const file of host.files) {
      const target = path.join(outDir, host.host, file.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.content, { mode: Number.parseInt(file.mode, 8) });
    }
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "manifest.json"), JSON.stringify(manifestOf(hosts), null, 2) + "\n");
}
