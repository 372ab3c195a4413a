// The typed config, checked by the compiler on every build: a misspelled key or an Output where a name or priority
// must be plain does not compile (each `@ts-expect-error` fails the build when its line compiles), and a correct
// value with Outputs at the wired leaves does. At run time the same value, resolved, is a valid stack config.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterInput } from "../../../components/cluster-input";
import { validateCluster } from "../../../core/config/validate";

const plain = {
  name: "web",
  subnet: "10.77.0.0/24",
  hosts: [
    { name: "d1", address: "10.77.0.11" },
    { name: "r1", address: "10.77.0.21" },
  ],
  directors: [{ host: "d1", priority: 150 }],
  vrrp: [{ name: "VI_WEB" }],
  services: [{ name: "http", vip: "10.77.0.100", port: 80, scheduler: "rr", realServers: [{ host: "r1", weight: 2 }] }],
} satisfies ClusterInput;

export const wired: ClusterInput = {
  ...plain,
  hosts: [
    { name: "d1", address: pulumi.output("10.77.0.11"), hostKey: pulumi.output(`SHA256:${"k".repeat(43)}`) },
    { name: "r1", address: pulumi.output("10.77.0.21"), sshAddress: pulumi.output("r1.example.net") },
  ],
  services: [{ ...plain.services[0], realServers: [{ host: "r1", weight: pulumi.output(2) }] }],
};

export const misspelled: ClusterInput = {
  ...plain,
  // @ts-expect-error `adress` is not a host setting
  hosts: [{ name: "d1", adress: "10.77.0.11" }],
};

export const schedular: ClusterInput = {
  ...plain,
  // @ts-expect-error `schedular` is not a service setting
  services: [{ name: "http", vip: "10.77.0.100", schedular: "rr", realServers: [{ host: "r1" }] }],
};

export const unknownScheduler: ClusterInput = {
  ...plain,
  // @ts-expect-error the scheduler is one of the kernel's names
  services: [{ name: "http", vip: "10.77.0.100", scheduler: "fastest", realServers: [{ host: "r1" }] }],
};

export const wiredPriority: ClusterInput = {
  ...plain,
  // @ts-expect-error a priority orders the directors: it cannot be an Output
  directors: [{ host: "d1", priority: pulumi.output(150) }],
};

export const wiredName: ClusterInput = {
  ...plain,
  // @ts-expect-error a host name names resources: it cannot be an Output
  hosts: [{ name: pulumi.output("d1"), address: "10.77.0.11" }],
};

test("the typed value a program writes is the stack config's value: valid as one", () => {
  const r = validateCluster(plain);
  assert.deepEqual(r.issues.filter((i) => i.severity === "error"), []);
  assert.ok(r.ok);
});
