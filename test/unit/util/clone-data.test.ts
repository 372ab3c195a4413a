// The copy validation fills defaults into: deep, the caller's value untouched, "__proto__" kept as a key (so the
// schema rejects it), a value that contains itself refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cloneData } from "../../../core/util/clone-data";
import { validateSchema } from "../../../core/config/validate-schema";

test("a deep copy: equal, sharing no object with the original", () => {
  const shared = { host: "r1" };
  const raw = { a: [1, "x", null, true, { b: [shared, shared] }] };
  const copy = cloneData(raw);
  assert.deepEqual(copy, raw);
  (copy.a[4] as { b: { host: string }[] }).b[0].host = "changed";
  assert.equal(shared.host, "r1");
  assert.notEqual((copy.a[4] as { b: object[] }).b[0], (copy.a[4] as { b: object[] }).b[1], "an alias becomes two copies");
});

test("an own __proto__ key stays a key: the schema names it instead of it vanishing into the prototype", () => {
  const raw = JSON.parse('{"name":"x","subnet":"10.0.0.0/24","hosts":[],"__proto__":{"polluted":true}}');
  const copy = cloneData(raw) as Record<string, unknown>;
  assert.ok(Object.keys(copy).includes("__proto__"));
  assert.equal(Object.getPrototypeOf(copy), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const result = validateSchema(raw);
  assert.ok(result.issues.some((i) => /__proto__/.test(i.message) || /__proto__/.test(i.key)), JSON.stringify(result.issues));
});

test("a value that contains itself is refused with a clear error", () => {
  const raw: Record<string, unknown> = { name: "x" };
  raw.self = [raw];
  assert.throws(() => cloneData(raw), /contains itself/);
});
