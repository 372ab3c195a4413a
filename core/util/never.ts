// Exhaustive switches: a kind added to a union without a case here is a compile error at every such switch.
export function assertNever(value: never, what = "value"): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
