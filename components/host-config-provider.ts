// Dynamic provider for one host's desired state: diff without SSH, converge on create/update, drift on read, teardown on delete.
import type * as pulumi from "@pulumi/pulumi";
import type { HostState } from "../core/render/host-state";
import { PATHS } from "../core/render/paths";
import { pooledTransport, SshTarget } from "../host/ssh";
import { converge, gatherFacts } from "../host/converge";
import { planHost } from "../host/plan";
import { Baseline, baselineFrom, extendBaseline } from "../host/baseline";
import { backupForeignFiles, planTeardown, removedState } from "../host/teardown";
import { drainConfig } from "../host/drain";
import { CommandError } from "../host/errors";
import { sh } from "../host/quote";
import { secretReader, sshTargetFor } from "./ssh-target";
import { delegatingProvider, packageRelative } from "./provider-loader";

/** Bump when create/read/delete behaviour changes: refresh and destroy run the provider code stored in state. */
export const PROVIDER_VERSION = "1";

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface TargetInputs {
  address: string;
  port: number;
  user: string;
  /** Names of secret config keys; the values are read in configure(), never stored in state. */
  privateKeySecret?: string;
  passwordSecret?: string;
  privateKeyFile?: string;
  agent?: boolean;
  fingerprints: string[];
  knownHostsFile?: string;
  trustOnFirstUse: boolean;
  bastion?: { address: string; port: number; user?: string; hostKey?: string };
  connectTimeoutSeconds: number;
  commandTimeoutSeconds: number;
}

export interface HostConfigInputs {
  host: string;
  target: TargetInputs;
  /** Desired state with file contents moved out to `files` / `secretFiles`. */
  state: HostState;
  /** Non-secret file contents by path: what `pulumi preview --diff` shows line by line. */
  files: Record<string, string>;
  /** Secret file contents by path (a secret input; kept secret in state by the engine). */
  secretFiles: Record<string, string>;
  hash: string;
  drainSeconds: number;
  providerVersion: string;
}

export interface HostConfigOutputs extends HostConfigInputs {
  baseline: Baseline;
  lastChanges: string[];
  drift: string[];
}

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Rebuilds the full HostState from its parts. */
export function fullState(inputs: Pick<HostConfigInputs, "state" | "files" | "secretFiles">): HostState {
  return { ...inputs.state, files: inputs.state.files.map((f) => ({ ...f, content: inputs.files[f.path] ?? inputs.secretFiles[f.path] ?? "" })) };
}

/**
 * The stored inputs read() returns when a host drifted: the input keys (not output-only ones such as `baseline`, which
 * would show up as removed inputs in the next preview), a changed hash so that preview shows an update, and `drift`,
 * what differs on the host now. The engine shows a refresh as a diff of the stored inputs (the provider's diff,
 * inverted), so `drift` is what `pulumi refresh` shows (`+ drift: [...]`) and what the next `preview --diff` shows the
 * update repairing (`- drift: [...]`); without it both showed only the hash gaining its "drifted:" prefix.
 */
export function driftedInputs(props: HostConfigOutputs, drift: string[]): HostConfigInputs & { drift: string[] } {
  const { baseline: _baseline, lastChanges: _lastChanges, drift: _drift, ...inputs } = props;
  return { ...inputs, hash: props.hash.startsWith("drifted:") ? props.hash : `drifted:${props.hash}`, drift };
}

class HostConfigProvider implements pulumi.dynamic.ResourceProvider<HostConfigInputs, HostConfigOutputs> {
  private config: pulumi.dynamic.Config | undefined;

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = req.config;
  }

  private sshTarget(host: string, t: TargetInputs): SshTarget {
    return sshTargetFor(host, t, secretReader(this.config));
  }

  async check(olds: HostConfigInputs, news: HostConfigInputs): Promise<pulumi.dynamic.CheckResult<HostConfigInputs>> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!news.host) failures.push({ property: "host", reason: "host name is required" });
    if (news.target && news.target !== (UNKNOWN as unknown) && news.target.address === "")
      failures.push({ property: "target", reason: "target address is empty" });
    void olds;
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: HostConfigOutputs, news: HostConfigInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces: string[] = [];
    if (olds.host !== news.host) replaces.push("host");
    if (news.target !== (UNKNOWN as unknown) && olds.target.address !== news.target?.address) replaces.push("target");
    if (replaces.length > 0) return { replaces, deleteBeforeReplace: true };
    // Unknowns during preview count as changes; connection details alone never do.
    if (containsUnknown(news.state) || containsUnknown(news.files) || containsUnknown(news.secretFiles) || containsUnknown(news.hash)) return {};
    const same =
      olds.hash === news.hash &&
      JSON.stringify(olds.state) === JSON.stringify(news.state) &&
      JSON.stringify(olds.secretFiles) === JSON.stringify(news.secretFiles) &&
      olds.providerVersion === news.providerVersion;
    // Leaving `changes` unset lets the engine diff the inputs itself: preview --diff then shows each file's lines.
    return same ? { changes: false } : {};
  }

  async create(inputs: HostConfigInputs): Promise<pulumi.dynamic.CreateResult<HostConfigOutputs>> {
    const state = fullState(inputs);
    const transport = await pooledTransport(this.sshTarget(inputs.host, inputs.target));
    const facts = await gatherFacts(transport, state);
    const markers = await this.managedMarkers(transport, state);
    const baseline = baselineFrom(state, facts, markers);
    const backups = backupForeignFiles(baseline);
    if (backups.length > 0) {
      const r = await transport.run(["set -e", ...backups].join("\n"));
      if (r.code !== 0) throw new CommandError(inputs.host, "backing up existing files", r.code, r.stderr);
    }
    const result = await converge(transport, state);
    return { id: `${inputs.host}@${inputs.target.address}`, outs: { ...inputs, baseline, lastChanges: result.changes, drift: [] } };
  }

  private async managedMarkers(transport: { run(s: string): Promise<{ stdout: string }> }, state: HostState): Promise<Record<string, boolean>> {
    const paths = state.files.map((f) => f.path);
    const r = await transport.run(`for f in ${sh(...paths)}; do [ -f "$f" ] && head -n 1 "$f" | grep -q 'Managed by pulumi-lvs' && echo "$f"; done; true`);
    return Object.fromEntries(r.stdout.split("\n").filter(Boolean).map((p) => [p, true]));
  }

  async update(_id: string, olds: HostConfigOutputs, news: HostConfigInputs): Promise<pulumi.dynamic.UpdateResult<HostConfigOutputs>> {
    const transport = await pooledTransport(this.sshTarget(news.host, news.target));
    const oldConf = olds.files?.[PATHS.keepalivedConf];
    const newConf = news.files[PATHS.keepalivedConf];
    const changes: string[] = [];
    if (oldConf && newConf) {
      const drained = drainConfig(oldConf, newConf);
      if (drained) {
        const drainState = fullState({ ...olds, files: { ...olds.files, [PATHS.keepalivedConf]: drained } });
        changes.push(...(await converge(transport, drainState)).changes.map((c) => `drain: ${c}`));
        await new Promise((r) => setTimeout(r, news.drainSeconds * 1000));
      }
    }
    // What the update newly manages gets its pre-update values recorded; what it stops managing goes back to them.
    const [oldState, newState] = [fullState(olds), fullState(news)];
    const baseline = extendBaseline(olds.baseline, oldState, newState, await gatherFacts(transport, newState), await this.managedMarkers(transport, newState));
    const backups = backupForeignFiles(baseline).filter((_, i) => !olds.baseline.foreignFiles.includes(baseline.foreignFiles[i]));
    if (backups.length > 0) {
      const r = await transport.run(["set -e", ...backups].join("\n"));
      if (r.code !== 0) throw new CommandError(news.host, "backing up existing files", r.code, r.stderr);
    }
    const result = await converge(transport, newState);
    const removed = removedState(oldState, newState);
    const down = planTeardown(removed, await gatherFacts(transport, removed), baseline);
    if (down.commands.length > 0) {
      const r = await transport.run(down.commands.join("\n"));
      if (r.code !== 0) throw new CommandError(news.host, "removing what the update no longer manages", r.code, r.stderr);
    }
    return { outs: { ...news, baseline, lastChanges: [...changes, ...result.changes, ...down.changes], drift: [] } };
  }

  async read(id: string, props?: HostConfigOutputs): Promise<pulumi.dynamic.ReadResult<HostConfigOutputs>> {
    if (!props?.state) throw new Error(`pulumi-lvs HostConfig ${id}: import is not supported (the engine passes no state); create the resource instead, it adopts what is on the host`);
    const state = fullState(props);
    const transport = await pooledTransport(this.sshTarget(props.host, props.target));
    const facts = await gatherFacts(transport, state);
    const drift = planHost(state, facts).changes;
    if (drift.length === 0) return { id, props: { ...props, drift: [] } };
    const inputs = driftedInputs(props, drift);
    return { id, props: { ...props, hash: inputs.hash, drift }, inputs } as pulumi.dynamic.ReadResult<HostConfigOutputs>;
  }

  async delete(_id: string, props: HostConfigOutputs): Promise<void> {
    const state = fullState(props);
    const transport = await pooledTransport(this.sshTarget(props.host, props.target));
    const facts = await gatherFacts(transport, state);
    const plan = planTeardown(state, facts, props.baseline);
    if (plan.commands.length === 0) return;
    const r = await transport.run(plan.commands.join("\n") + "\n");
    if (r.code !== 0) throw new CommandError(props.host, "teardown", r.code, r.stderr);
  }
}

/** The one provider instance (the implementation; the direct driver and the tests use it as is). */
export const hostConfigProvider = new HostConfigProvider();

/** The provider handed to pulumi.dynamic.Resource: a small delegate to `hostConfigProvider` (see provider-loader). */
export const serializedHostConfigProvider = delegatingProvider<HostConfigInputs, HostConfigOutputs>(packageRelative(__filename), "hostConfigProvider");
