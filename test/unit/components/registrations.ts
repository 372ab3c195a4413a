// The mocks API omits a registration's dependencies: wrap the monitor (after setMocks) to see every request's
// type, name and dependency URNs (resource-level and per-property) as it is sent.
import * as pulumi from "@pulumi/pulumi";

export interface Registration {
  type: string;
  name: string;
  /** Resource-level dependencies (dependsOn and parent-inherited). */
  dependsOn: string[];
  /** Resource-level and per-property dependencies together. */
  dependencies: string[];
}

export function onRegister(record: (r: Registration) => void): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: any, cb: unknown): unknown };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const perProperty = [...req.getPropertydependenciesMap().entries()].flatMap(([, v]: [string, { getUrnsList(): string[] }]) => v.getUrnsList());
    const dependsOn = req.getDependenciesList() as string[];
    record({ type: req.getType(), name: req.getName(), dependsOn, dependencies: [...new Set([...dependsOn, ...perProperty])] });
    return original(req, cb);
  };
}
