// The HostDiscovery dynamic provider: reads the values a host must supply (its MAC, its serving interface) with
// host/discovery.ts, read-only over SSH, again on refresh, nothing to undo on delete. Loaded from state by this
// module's path and export name (dist/components/host-discovery-provider.js, `hostDiscoveryProvider`).
import type * as pulumi from "@pulumi/pulumi";
import type { Discovered } from "../core/model/discovery";
import type { DiscoveryRequest } from "../core/plan/discovery";
import type { TargetInputs } from "../core/plan/target";
import { canonical } from "../host/host-settings";
import { discoverValues } from "../host/discovery";
import { pooledTransport } from "../host/ssh";
import { secretReader, sshTargetFor } from "../host/ssh-target";
import { containsUnknown, identityReplaces } from "./host-config-provider";
import { delegatingProvider, packageRelative } from "./provider-loader";

export const DISCOVERY_PROVIDER_VERSION = "1";

export interface HostDiscoveryInputs {
  host: string;
  target: TargetInputs;
  requests: DiscoveryRequest[];
  providerVersion: string;
}

export type HostDiscoveryOutputs = HostDiscoveryInputs & Discovered;

class HostDiscoveryProvider implements pulumi.dynamic.ResourceProvider<HostDiscoveryInputs, HostDiscoveryOutputs> {
  private config: pulumi.dynamic.Config | undefined;

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = req.config;
  }

  private discover(inputs: HostDiscoveryInputs): Promise<Discovered> {
    const target = sshTargetFor(inputs.host, inputs.target, secretReader(this.config));
    return discoverValues(() => pooledTransport(target), inputs.requests);
  }

  async diff(_id: string, olds: HostDiscoveryOutputs, news: HostDiscoveryInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = identityReplaces(olds, news);
    if (replaces.length > 0) return { replaces };
    if (containsUnknown(news.requests)) return {};
    const same = canonical(olds.requests) === canonical(news.requests) && olds.providerVersion === news.providerVersion;
    return same ? { changes: false } : { changes: true };
  }

  async create(inputs: HostDiscoveryInputs): Promise<pulumi.dynamic.CreateResult<HostDiscoveryOutputs>> {
    return { id: `${inputs.host}@${inputs.target.address}`, outs: { ...inputs, ...(await this.discover(inputs)) } };
  }

  async update(_id: string, _olds: HostDiscoveryOutputs, news: HostDiscoveryInputs): Promise<pulumi.dynamic.UpdateResult<HostDiscoveryOutputs>> {
    return { outs: { ...news, ...(await this.discover(news)) } };
  }

  /** Re-discovers, so `pulumi refresh` notices a replaced NIC and the next update re-renders the dependent files. */
  async read(id: string, props?: HostDiscoveryOutputs): Promise<pulumi.dynamic.ReadResult<HostDiscoveryOutputs>> {
    if (!props?.requests) throw new Error(`pulumi-lvs HostDiscovery ${id}: import is not supported; the resource is created by the cluster`);
    return { id, props: { ...props, ...(await this.discover(props)) } };
  }

  async delete(): Promise<void> {
    // Discovery only reads; there is nothing on the host to undo.
  }
}

export const hostDiscoveryProvider = new HostDiscoveryProvider();

/** The provider handed to pulumi.dynamic.Resource: a small delegate to `hostDiscoveryProvider` (see provider-loader). */
export const serializedHostDiscoveryProvider = delegatingProvider<HostDiscoveryInputs, HostDiscoveryOutputs>(packageRelative(__filename), "hostDiscoveryProvider");
