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

/** How the SDK marks a secret value in serialized properties (mocks see inputs this way too). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

const isSecretWrapper = (v: unknown): v is { value: unknown } => typeof v === "object" && v !== null && SECRET_SIG in v;

/** Every string in `value` that is not inside a secret: what the engine would store in plain text. */
export function plainStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (isSecretWrapper(value)) return [];
  if (Array.isArray(value)) return value.flatMap(plainStrings);
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => [k, ...plainStrings(v)]);
  return [];
}

/** Every string inside a secret in `value`. */
export function secretStrings(value: unknown): string[] {
  if (isSecretWrapper(value)) return JSON.stringify(value.value).match(/"(?:[^"\\]|\\.)*"/g)?.map((s) => JSON.parse(s) as string) ?? [];
  if (Array.isArray(value)) return value.flatMap(secretStrings);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(secretStrings);
  return [];
}

/** A private key as an operator would hold it in `pulumi config set --secret` (the text only matters here). */
export const FAKE_PRIVATE_KEY = [
  "-----BEGIN OPENSSH PRIVATE KEY-----",
  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
  "QyNTUxOQAAACBmYWtlLWtleS1mb3ItdGhlLWxlYWstdGVzdC1vbmx5AAAAAAAAAAAAAAAA",
  "-----END OPENSSH PRIVATE KEY-----",
  "",
].join("\n");
