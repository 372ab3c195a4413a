// The HostConfig dynamic provider: a thin adapter from the engine's calls to host/deploy.ts. It speaks the engine's
// shapes (unknowns during preview, read() returning drifted inputs, ids) and accepts outputs stored by any release
// (stored-state.ts); the host work itself is the orchestrator's. The engine loads it from state by this module's path
// and export name (dist/components/host-config-provider.js, `hostConfigProvider`): both must stay.
import type * as pulumi from "@pulumi/pulumi";
import type { TargetInputs } from "../core/plan/target";
import { DeployedHost, HostDeployment, hostOrchestrator, HostOrchestrator, preparedFrom, PROVIDER_VERSION, replacedBy, sameDeployment } from "../host/deploy";
import { pooledTransport } from "../host/ssh";
import { secretReader, sshTargetFor } from "../host/ssh-target";
import { delegatingProvider, packageRelative } from "./provider-loader";
import { previousOf } from "./stored-state";

export { PROVIDER_VERSION };
export type { TargetInputs };

/** The HostConfig resource's inputs (see host/deploy.ts), with its HostPrepare's record (preparedText) when it has one. */
export type HostConfigInputs = HostDeployment & { prepared?: string };
/** Its outputs: the inputs, the baseline recorded at create, the last changes made, the drift last read. */
export type HostConfigOutputs = DeployedHost;

/** What the engine sends for a value not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** The replacement keys of a diff; a target not known yet (preview) replaces nothing. */
export function identityReplaces(olds: Pick<HostConfigInputs, "host" | "target">, news: { host?: string; target?: { address?: string } }): string[] {
  return replacedBy(olds, news).filter((k) => !(k === "target" && news.target === (UNKNOWN as unknown)));
}

/**
 * The stored inputs read() returns when a host drifted: the input keys (not output-only ones such as `baseline`, which
 * would show up as removed inputs in the next preview), a changed hash so that preview shows an update, and `drift`,
 * what differs on the host now. The engine shows a refresh as a diff of the stored inputs (the provider's diff,
 * inverted), so `drift` is what `pulumi refresh` shows (`+ drift: [...]`) and what the next `preview --diff` shows the
 * update repairing (`- drift: […]`); without it both showed only the hash gaining its "drifted:" prefix.
 */
export function driftedInputs(props: HostConfigOutputs, drift: string[]): HostConfigInputs & { drift: string[] } {
  const { baseline: _baseline, lastChanges: _lastChanges, drift: _drift, ...inputs } = props;
  return { ...inputs, hash: props.hash.startsWith("drifted:") ? props.hash : `drifted:${props.hash}`, drift };
}

class HostConfigProvider implements pulumi.dynamic.ResourceProvider<HostConfigInputs, HostConfigOutputs> {
  private config: pulumi.dynamic.Config | undefined;
  private readonly hosts: HostOrchestrator = hostOrchestrator((host, target) => pooledTransport(sshTargetFor(host, target, secretReader(this.config))));

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = req.config;
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
    const replaces = identityReplaces(olds, news);
    if (replaces.length > 0) return { replaces, deleteBeforeReplace: true };
    // Unknowns during preview count as changes; connection details alone never do.
    if (containsUnknown(news.state) || containsUnknown(news.files) || containsUnknown(news.secretFiles) || containsUnknown(news.hash)) return {};
    // Leaving `changes` unset lets the engine diff the inputs itself: preview --diff then shows each file's lines.
    return sameDeployment(olds, news) ? { changes: false } : {};
  }

  async create(inputs: HostConfigInputs): Promise<pulumi.dynamic.CreateResult<HostConfigOutputs>> {
    return { id: `${inputs.host}@${inputs.target.address}`, outs: await this.hosts.apply(inputs, undefined, preparedFrom(inputs.prepared)) };
  }

  async update(_id: string, olds: HostConfigOutputs, news: HostConfigInputs): Promise<pulumi.dynamic.UpdateResult<HostConfigOutputs>> {
    return { outs: await this.hosts.apply(news, previousOf(olds), preparedFrom(news.prepared)) };
  }

  async read(id: string, props?: HostConfigOutputs): Promise<pulumi.dynamic.ReadResult<HostConfigOutputs>> {
    if (!props?.state) throw new Error(`pulumi-lvs HostConfig ${id}: import is not supported (the engine passes no state); create the resource instead, it adopts what is on the host`);
    const drift = await this.hosts.drift(props);
    if (drift.length === 0) return { id, props: { ...props, drift: [] } };
    const inputs = driftedInputs(props, drift);
    return { id, props: { ...props, hash: inputs.hash, drift }, inputs } as pulumi.dynamic.ReadResult<HostConfigOutputs>;
  }

  async delete(_id: string, props: HostConfigOutputs): Promise<void> {
    await this.hosts.remove(props);
  }
}

/** The one provider instance (the implementation; the direct driver and the tests use it as is). */
export const hostConfigProvider = new HostConfigProvider();

/** The provider handed to pulumi.dynamic.Resource: a small delegate to `hostConfigProvider` (see provider-loader). */
export const serializedHostConfigProvider = delegatingProvider<HostConfigInputs, HostConfigOutputs>(packageRelative(__filename), "hostConfigProvider");
