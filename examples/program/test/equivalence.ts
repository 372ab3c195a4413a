// A mocked deployment of the program (no engine, no hosts): every host's HostConfig inputs must equal those of the
// same cluster written as a stack config (test/stack-config.yaml, or the file named by EQUIVALENT_STACK_CONFIG).
// Usage: node dist/test/equivalence.js composed|whole — exit 0 when they match, 1 naming the first host that differs.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ClusterInput, LvsCluster, parseStackFile } from "pulumi-lvs";

const form = process.argv[2] ?? "composed";
const ADDRESSES: Record<string, string> = { d1: "10.77.0.11", d2: "10.77.0.12", r1: "10.77.0.21" };
const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];

pulumi.runtime.setAllConfig(
  { "project:infraStack": "organization/infra/lab", "project:knownHostsFile": "/tmp/known_hosts", "project:form": form, "pulumi-lvs:vrrpPassword": "s3cret" },
  ["pulumi-lvs:vrrpPassword"],
);
pulumi.runtime.setMocks(
  {
    newResource(args) {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      if (args.type === "pulumi:pulumi:StackReference") return { id: args.inputs.name, state: { outputs: { addresses: ADDRESSES } } };
      if (args.type.endsWith(":HostDiscovery")) return { id: args.name, state: { ...args.inputs, macs: {}, interfaces: { [args.inputs.host as string]: "eth0" } } };
      return { id: args.name, state: args.inputs };
    },
    call(args) {
      throw new Error(`unexpected call ${args.token}`);
    },
  },
  "project",
  "test",
  false,
);

const settle = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

function hostConfigs(named: RegExp): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const r of registered.filter((x) => x.type === "pulumi-nodejs:dynamic/pulumi-lvs:HostConfig" && named.test(x.name))) {
    const { __provider: _provider, ...inputs } = r.inputs;
    out.set(String(inputs.host), inputs);
  }
  return out;
}

async function main(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("../index") as { configHashes: pulumi.Output<Record<string, string>>; expectedMaster: pulumi.Output<string> };
  const file = process.env.EQUIVALENT_STACK_CONFIG ?? path.join(__dirname, "..", "..", "test", "stack-config.yaml");
  const stackConfig = parseStackFile(fs.readFileSync(file, "utf8")).cluster as ClusterInput;
  const reference = new LvsCluster("reference", { config: stackConfig, secrets: { vrrpPassword: pulumi.secret("s3cret") }, liveOrder: false });
  const [mine, theirs, master] = await Promise.all([settle(program.configHashes), settle(reference.configHashes), settle(program.expectedMaster)]);
  await new Promise((r) => setTimeout(r, 200));
  const programHosts = hostConfigs(form === "composed" ? /^[a-z0-9]+-config$/ : /^web-[a-z0-9]+-config$/);
  const referenceHosts = hostConfigs(/^reference-[a-z0-9]+-config$/);
  assert.deepEqual([...programHosts.keys()].sort(), [...referenceHosts.keys()].sort(), "the same hosts");
  for (const [host, inputs] of referenceHosts) assert.deepEqual(programHosts.get(host), inputs, `${host}: the program's HostConfig inputs differ from the stack config's`);
  assert.deepEqual(mine, theirs, "config hashes");
  assert.equal(master, "d1");
  console.log(`equivalent (${form}): ${referenceHosts.size} hosts, hashes ${Object.entries(mine).map(([h, v]) => `${h}=${v.slice(0, 12)}`).join(" ")}; expected MASTER ${master}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
