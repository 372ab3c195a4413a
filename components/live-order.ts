// The Pulumi program's side of the live director order: the VIP holders are read with the SSH credentials the
// providers use (the `pulumi-lvs` config namespace); the decision itself is host/director-order.ts.
import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig } from "../core/config/schema";
import { targetOf } from "../core/plan/target";
import { HolderReader, sshHolderReader as holderReaderOver } from "../host/director-order";
import { secretReader, sshTargetFor } from "../host/ssh-target";

export type { HolderReader, LiveOrderSource } from "../host/director-order";

/** Over SSH, with the secrets from the `pulumi-lvs` config namespace (as the providers read them). */
export function sshHolderReader(config: ClusterConfig): HolderReader {
  return holderReaderOver((host) => sshTargetFor(host, targetOf(config, host), secretReader(new pulumi.Config("pulumi-lvs"))));
}
