// Which director is expected to hold a service's VIP when every director is healthy: the highest priority in the
// service's VRRP group (priorities are distinct per group; with all directors BACKUP, priority decides).
import type { ClusterModel } from "../model/cluster";

export function expectedMaster(model: ClusterModel, serviceName: string): string {
  const service = model.services.find((s) => s.name === serviceName);
  if (!service) throw new Error(`pulumi-lvs: no service ${serviceName} in the model`);
  const group = model.groups.find((g) => g.name === service.group);
  const top = [...(group?.members ?? [])].sort((a, b) => b.priority - a.priority)[0];
  if (!top) throw new Error(`pulumi-lvs: service ${serviceName}'s VRRP group ${service.group} has no director`);
  return top.host;
}
