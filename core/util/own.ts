// A user-keyed map's own entry: a host called "constructor" must not find Object.prototype.constructor.
export function own<T>(map: Record<string, T> | undefined, key: string): T | undefined {
  return map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}
