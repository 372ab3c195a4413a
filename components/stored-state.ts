// HostConfig outputs as earlier releases stored them, read as today's. The engine hands a provider the outputs it
// stored, written by whatever release ran the last update: a director's state from before this release has no
// keepalived model (HostState.keepalived), only the keepalived.conf it rendered. Its members are read back from that
// text, which only those releases wrote, so an update from such a state still drains what it removes. (Their
// `discover` lists also differ; it only describes the files, and diff leaves it out.)
import type { DeployedMembers } from "../core/plan/drain";
import { membersOf } from "../core/plan/drain";
import { PATHS } from "../core/render/paths";
import type { DeployedHost, Previous } from "../host/deploy";

/** The members per virtual server of a keepalived.conf as rendered before the model was stored. */
export function membersOfRenderedConf(conf: string): DeployedMembers {
  const out: DeployedMembers = {};
  let members: DeployedMembers[string] | undefined;
  let member: DeployedMembers[string][number] | undefined;
  for (const line of conf.split("\n")) {
    const vs = /^virtual_server (.+) \{$/.exec(line);
    if (vs) {
      members = out[vs[1]] = [];
      member = undefined;
      continue;
    }
    const rs = /^ {4}real_server (\S+)(?: (\d+))? \{$/.exec(line);
    if (rs && members) {
      member = { address: rs[1], port: rs[2] === undefined ? null : Number(rs[2]), weight: 1, connectPort: null };
      members.push(member);
      continue;
    }
    if (!member) continue;
    const weight = /^ {8}weight (\d+)$/.exec(line);
    if (weight) member.weight = Number(weight[1]);
    const connectPort = /^ {12}connect_port (\d+)$/.exec(line);
    if (connectPort) member.connectPort = Number(connectPort[1]);
  }
  return out;
}

/** A stored deployment as an update's starting point, whichever release stored it. */
export function previousOf(stored: DeployedHost): Previous {
  const model = stored.state.keepalived;
  const conf = stored.files?.[PATHS.keepalivedConf];
  return { deployed: stored, members: model ? membersOf(model) : conf ? membersOfRenderedConf(conf) : {} };
}
