// Host key verification: pinned SHA256 fingerprints or an OpenSSH known_hosts file; trust on first use only on request.
import { createHash, createHmac } from "node:crypto";
import * as fs from "node:fs";

export interface HostKeyPolicy {
  /** Pinned fingerprints, `SHA256:<base64 without padding>`. */
  fingerprints?: string[];
  knownHostsFile?: string;
  trustOnFirstUse?: boolean;
}

export type HostKeyVerdict =
  | { ok: true; recorded?: boolean }
  | { ok: false; reason: "unknown" | "changed"; fingerprint: string; keyType: string };

export function fingerprintOf(key: Buffer): string {
  return "SHA256:" + createHash("sha256").update(key).digest("base64").replace(/=+$/, "");
}

export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return "unknown";
  const len = key.readUInt32BE(0);
  return key.subarray(4, 4 + len).toString("latin1");
}

/** known_hosts names a non-default port as `[host]:port`. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

function hostMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith("|1|")) {
    const [, , salt, hash] = pattern.split("|");
    if (!salt || !hash) return false;
    return createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64") === hash;
  }
  return pattern.split(",").includes(name);
}

/** Keys (base64 blobs) that known_hosts lists for a name; revoked (@revoked) lines are refused explicitly. */
export function knownKeys(text: string, name: string): { keys: string[]; revoked: string[] } {
  const keys: string[] = [];
  const revoked: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const parts = line.split(/\s+/);
    let marker: string | undefined;
    if (parts[0].startsWith("@")) marker = parts.shift();
    if (parts.length < 3 || !hostMatches(parts[0], name)) continue;
    (marker === "@revoked" ? revoked : keys).push(parts[2]);
  }
  return { keys, revoked };
}

export function verifyHostKey(key: Buffer, address: string, port: number, policy: HostKeyPolicy): HostKeyVerdict {
  const fingerprint = fingerprintOf(key);
  const keyType = keyTypeOf(key);
  const blob = key.toString("base64");
  let known = false;
  if (policy.fingerprints && policy.fingerprints.length > 0) {
    known = true;
    if (policy.fingerprints.map((f) => f.replace(/=+$/, "")).includes(fingerprint)) return { ok: true };
  }
  if (policy.knownHostsFile) {
    const text = fs.existsSync(policy.knownHostsFile) ? fs.readFileSync(policy.knownHostsFile, "utf8") : "";
    const { keys, revoked } = knownKeys(text, knownHostsName(address, port));
    if (revoked.includes(blob)) return { ok: false, reason: "changed", fingerprint, keyType };
    if (keys.includes(blob)) return { ok: true };
    if (keys.length > 0) known = true;
  }
  if (known) return { ok: false, reason: "changed", fingerprint, keyType };
  if (policy.trustOnFirstUse && policy.knownHostsFile) {
    const existing = fs.existsSync(policy.knownHostsFile) ? fs.readFileSync(policy.knownHostsFile, "utf8") : "";
    // A file without a final newline would otherwise get the new entry glued onto its last line.
    const sep = existing.length > 0 && !existing.endsWith("\n") ? "\n" : "";
    fs.appendFileSync(policy.knownHostsFile, `${sep}${knownHostsName(address, port)} ${keyType} ${blob}\n`, { mode: 0o600 });
    return { ok: true, recorded: true };
  }
  return { ok: false, reason: "unknown", fingerprint, keyType };
}
