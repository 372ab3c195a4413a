// The plan of a cluster: from a validated config, everything the providers need per host (desired state, the split
// of secret files, the SSH target, what to discover where) and the order the hosts change in. Pure: the Pulumi
// component, the direct driver, the CLI and the demo all take it from here and derive none of it themselves.
import type { ClusterConfig } from "../config/schema";
import { buildModel, ClusterModel, Role } from "../model/cluster";
import type { Discovered } from "../model/discovery";
import { HostState, renderCluster, renderSecretFiles } from "../render/host-state";
import { desiredOf, HostDesired } from "./desired";
import { DiscoveryRequest, discoveryRequests } from "./discovery";
import { ApplyOrder, applyOrder } from "./order";
import { Structure, structureOf } from "./structure";
import { targetFor, TargetInputs } from "./target";

export interface PlanOptions {
  /** Secret values by config key; without them secret files hold placeholders. */
  secrets?: Record<string, string | undefined>;
  /** What discovery read on the hosts; values not given stay pending. */
  discovered?: Discovered;
}

export interface HostPlan {
  host: string;
  roles: Role[];
  target: TargetInputs;
  /** The complete desired state (secret files with their values when the plan had them). */
  state: HostState;
  /** The same, split as the HostConfig provider takes it. */
  desired: HostDesired;
  /** The values to read on this host (its MAC, its serving interface) before the files that use them are written. */
  discovery: DiscoveryRequest[];
}

export interface ClusterPlan {
  config: ClusterConfig;
  model: ClusterModel;
  structure: Structure;
  /** Every host with a role, in config order. */
  hosts: HostPlan[];
  order: ApplyOrder;
  /** Every VIP of the cluster, once. */
  vips: string[];
  /** Every discovery request, once (the union of the hosts' own). */
  discovery: DiscoveryRequest[];
}

export function planCluster(config: ClusterConfig, options: PlanOptions = {}): ClusterPlan {
  const model = buildModel(config);
  const structure = structureOf(config);
  const states = renderCluster(model, options);
  const discovery = discoveryRequests(config, model, states.flatMap((s) => s.discover));
  const entries = new Map(config.hosts.map((h) => [h.name, h]));
  const asked = new Map<string, DiscoveryRequest[]>();
  for (const r of discovery) asked.set(r.host, [...(asked.get(r.host) ?? []), r]);
  const hosts = states.map((state): HostPlan => {
    const target = targetFor(config, entries.get(state.host)!);
    return { host: state.host, roles: state.roles, target, state, desired: desiredOf(state, target), discovery: asked.get(state.host) ?? [] };
  });
  return { config, model, structure, hosts, order: applyOrder(structure), vips: [...new Set(model.services.map((s) => s.vip))], discovery };
}

export function hostPlan(plan: ClusterPlan, host: string): HostPlan {
  const found = plan.hosts.find((h) => h.host === host);
  if (!found) throw new Error(`pulumi-lvs: ${host} has no role in the cluster plan`);
  return found;
}

/** The secret files of every host, rendered with the secret values: by host, by path (directors' VRRP auth files). */
export function secretFilesOf(plan: Pick<ClusterPlan, "model">, secrets: Record<string, string | undefined>): Record<string, Record<string, string>> {
  return renderSecretFiles(plan.model, secrets);
}

export type { HostDesired } from "./desired";
export type { DiscoveryRequest } from "./discovery";
export type { ApplyOrder } from "./order";
export type { Structure } from "./structure";
export type { TargetInputs } from "./target";
