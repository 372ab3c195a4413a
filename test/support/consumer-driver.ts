// Copied into a consumer project and run there with node: drives the real Pulumi engine (Automation API, inline
// programs) with the consumer's own @pulumi/pulumi, the one pulumi-lvs shares as a peer dependency. Reads one JSON
// request from argv[2]; prints engine output, then one line `RESULT {json}`.
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

export interface DriverRequest {
  op: "up" | "preview" | "destroy";
  project: string;
  stack: string;
  /** The folder holding the `pulumi` binary. */
  cliDir: string;
  backendDir: string;
  home: string;
  passphrase: string;
  config: Record<string, { value: string; secret?: boolean }>;
  /** The program: the consumer's compiled one (`dist/index.js`), or a stack exporting these outputs. */
  program: { kind: "consumer" } | { kind: "outputs"; outputs: Record<string, unknown> };
}

export interface DriverResult {
  changes: Record<string, number>;
  outputs: Record<string, unknown>;
  ms: number;
}

async function main(): Promise<void> {
  const req = JSON.parse(process.argv[2]) as DriverRequest;
  const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const envVars = {
    PULUMI_BACKEND_URL: `file://${req.backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: req.passphrase,
    PULUMI_HOME: req.home,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    // The dynamic-provider plugin of this project's SDK (it runs `node`: this process's).
    PATH: [req.cliDir, sdk, path.dirname(process.execPath), process.env.PATH ?? ""].join(":"),
  };
  const program =
    req.program.kind === "consumer"
      ? async () => ({ ...(require(path.join(__dirname, "dist", "index.js")) as Record<string, unknown>) })
      : ((outputs) => async () => outputs)(req.program.outputs);
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(req.cliDir), skipVersionCheck: true });
  const ws = await LocalWorkspace.create({ workDir: __dirname, program, pulumiCommand, envVars, projectSettings: { name: req.project, runtime: "nodejs" } });
  const stack = await Stack.createOrSelect(req.stack, ws);
  await stack.setAllConfig(req.config);
  const t0 = Date.now();
  const onOutput = (s: string) => void process.stdout.write(s);
  let result: DriverResult;
  if (req.op === "up") {
    const r = await stack.up({ color: "never", onOutput });
    result = { changes: r.summary.resourceChanges ?? {}, outputs: Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value])), ms: Date.now() - t0 };
  } else if (req.op === "preview") {
    const r = await stack.preview({ color: "never", onOutput });
    result = { changes: r.changeSummary ?? {}, outputs: {}, ms: Date.now() - t0 };
  } else {
    const r = await stack.destroy({ color: "never", onOutput });
    result = { changes: r.summary.resourceChanges ?? {}, outputs: {}, ms: Date.now() - t0 };
  }
  process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
