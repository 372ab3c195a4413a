// A small valid DR cluster to mutate, and the assertions every rule table uses.
import assert from "node:assert/strict";
import { validateCluster, ValidationResult } from "../../../core/config/validate";
import { formatIssue } from "../../../core/config/issues";

/** Two directors (150/100) in 10.77.0.0/24, two real servers, one VRRP group, one DR service on :80. */
export function baseCluster(): any {
  return {
    name: "web",
    subnet: "10.77.0.0/24",
    hosts: [
      { name: "d1", address: "10.77.0.11" },
      { name: "d2", address: "10.77.0.12" },
      { name: "r1", address: "10.77.0.21" },
      { name: "r2", address: "10.77.0.22" },
    ],
    directors: [
      { host: "d1", priority: 150 },
      { host: "d2", priority: 100 },
    ],
    vrrp: [{ name: "VI_1" }],
    services: [{ name: "http", vip: "10.77.0.100", port: 80, realServers: [{ host: "r1" }, { host: "r2" }] }],
  };
}

/** Base cluster with a mutation applied (the mutation may return anything). */
export function mutated(mutate: (c: any) => unknown): any {
  const c = baseCluster();
  mutate(c);
  return c;
}

/** Adds a second VRRP group "VI_2" carrying its own service, so several groups are valid. */
export function withSecondGroup(c: any, group: Record<string, unknown> = {}): any {
  c.vrrp.push({ name: "VI_2", ...group });
  c.services[0].vrrp = "VI_1";
  c.services.push({ name: "http2", vip: "10.77.0.101", port: 80, vrrp: "VI_2", realServers: [{ host: "r1" }] });
  return c;
}

export function listing(result: ValidationResult): string {
  return result.issues.map(formatIssue).join("\n") || "(no issues)";
}

/** The config is rejected with an error at exactly `key` whose message matches `message`. */
export function assertRejected(raw: unknown, key: string, message: RegExp): void {
  const result = validateCluster(raw);
  assert.equal(result.ok, false, `expected the config to be rejected; issues:\n${listing(result)}`);
  assert.equal(result.config, undefined, "a rejected config must not be returned");
  const hits = result.issues.filter((i) => i.key === key && i.severity === "error");
  assert.ok(hits.length > 0, `expected an error at ${key}; got:\n${listing(result)}`);
  assert.ok(hits.some((h) => message.test(h.message)), `error at ${key} should match ${message}; got:\n${listing(result)}`);
}

/** The config passes with no errors (warnings allowed) and the validated config is returned. */
export function assertAccepted(raw: unknown): ValidationResult {
  const result = validateCluster(raw);
  assert.equal(result.ok, true, `expected the config to pass; issues:\n${listing(result)}`);
  assert.ok(result.config, "an accepted config must be returned");
  assert.deepEqual(result.issues.filter((i) => i.severity === "error"), []);
  return result;
}

/** One "tests as data" row: a mutation that must fail at `key`, and a minimally different one that must pass. */
export interface RuleCase {
  name: string;
  bad: (c: any) => unknown;
  key: string;
  message: RegExp;
  good: (c: any) => unknown;
}
