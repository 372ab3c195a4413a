// The HostPrepare dynamic provider: the prepare phase of one host (host/deploy.ts `prepare`) as a resource that
// nothing orders, so the engine runs every host's prepare at once; every HostConfig (the commit) depends on all of
// them. Its state is the desired state it prepared and the host's baseline from before pulumi-lvs changed anything.
// The engine loads it from state by this module's path and export name: both must stay.
import type * as pulumi from "@pulumi/pulumi";
import { joinFiles } from "../core/plan/desired";
import { HostDeployment, hostOrchestrator, HostOrchestrator, Prepared, sameDeployment } from "../host/deploy";
import { pooledTransport } from "../host/ssh";
import { secretReader, sshTargetFor } from "../host/ssh-target";
import { containsUnknown, identityReplaces } from "./host-config-provider";
import { delegatingProvider, packageRelative } from "./provider-loader";

export type HostPrepareInputs = Omit<HostDeployment, "drainSeconds">;
export type HostPrepareOutputs = HostPrepareInputs & Prepared;

class HostPrepareProvider implements pulumi.dynamic.ResourceProvider<HostPrepareInputs, HostPrepareOutputs> {
  private config: pulumi.dynamic.Config | undefined;
  private readonly hosts: HostOrchestrator = hostOrchestrator((host, target) => pooledTransport(sshTargetFor(host, target, secretReader(this.config))));

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = req.config;
  }

  async diff(_id: string, olds: HostPrepareOutputs, news: HostPrepareInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = identityReplaces(olds, news);
    if (replaces.length > 0) return { replaces, deleteBeforeReplace: true };
    if (containsUnknown(news.state) || containsUnknown(news.files) || containsUnknown(news.secretFiles) || containsUnknown(news.hash)) return {};
    return sameDeployment({ ...olds, drainSeconds: 0 }, { ...news, drainSeconds: 0 }) ? { changes: false } : {};
  }

  async create(inputs: HostPrepareInputs): Promise<pulumi.dynamic.CreateResult<HostPrepareOutputs>> {
    const prepared = await this.hosts.prepare({ ...inputs, drainSeconds: 0 });
    return { id: `${inputs.host}@${inputs.target.address}`, outs: { ...inputs, ...prepared } };
  }

  async update(_id: string, olds: HostPrepareOutputs, news: HostPrepareInputs): Promise<pulumi.dynamic.UpdateResult<HostPrepareOutputs>> {
    const prepared = await this.hosts.prepare({ ...news, drainSeconds: 0 }, { state: joinFiles(olds), baseline: olds.baseline });
    return { outs: { ...news, ...prepared } };
  }

  /** A refresh reads nothing here: what the prepare left on the host, the commit's own read (HostConfig) covers. */
  async read(id: string, props?: HostPrepareOutputs): Promise<pulumi.dynamic.ReadResult<HostPrepareOutputs>> {
    return { id, props };
  }

  /**
   * Undoes what the prepare left when its host never got a commit (planPrepareTeardown). The HostConfig depends on
   * it, so in a destroy the HostConfig's delete runs first and returns the host to the baseline: then this finds
   * nothing left to do.
   */
  async delete(_id: string, props: HostPrepareOutputs): Promise<void> {
    await this.hosts.unprepare({ ...props, drainSeconds: 0 });
  }
}

/** The one provider instance (the direct driver and the tests use it as is). */
export const hostPrepareProvider = new HostPrepareProvider();

/** The provider handed to pulumi.dynamic.Resource: a small delegate to `hostPrepareProvider` (see provider-loader). */
export const serializedHostPrepareProvider = delegatingProvider<HostPrepareInputs, HostPrepareOutputs>(packageRelative(__filename), "hostPrepareProvider");
