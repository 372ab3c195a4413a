// quote/sh against the real /bin/sh: whatever the string, the shell hands it back byte for byte.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { quote, sh } from "../../../host/quote";

const nasty = fc.constantFrom("'", '"', "\n", "\t", " ", "$", "`", "\\", "!", "*", "?", "~", "#", ";", "&", "|", "<", ">", "(", ")", "{", "}", "[", "-", "=", "é", "😀", "\u00a0", "a", "Z", "0", "/", ".", ":", "%");
const text = fc.oneof(fc.string({ unit: nasty, maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 }), fc.string({ maxLength: 40 })).filter((s) => !s.includes("\0"));

const echo = (script: string) => execFileSync("/bin/sh", ["-c", script]);

test("quote: sh -c 'printf %s <quoted>' echoes any string exactly (property, real /bin/sh)", () => {
  fc.assert(
    fc.property(text, (s) => {
      assert.deepEqual(echo(`printf %s ${quote(s)}`), Buffer.from(s, "utf8"));
    }),
    { numRuns: 300 },
  );
});

test("sh: every argument arrives as exactly one argv entry (property, real /bin/sh)", () => {
  fc.assert(
    fc.property(fc.array(text, { maxLength: 6 }), (args) => {
      const out = echo(`set -- ${sh(...args)}; for a in "$@"; do printf '%s\\0' "$a"; done`).toString("utf8");
      assert.deepEqual(out === "" ? [] : out.slice(0, -1).split("\0"), args);
    }),
    { numRuns: 200 },
  );
});

test("quote: leaves plain words bare and quotes everything else", () => {
  assert.equal(quote("keepalived.service"), "keepalived.service");
  assert.equal(quote("Dpkg::Options::=--force-confold"), "Dpkg::Options::=--force-confold");
  assert.equal(quote(""), "''");
  assert.equal(quote("a b"), "'a b'");
  assert.equal(quote("it's"), "'it'\\''s'");
  assert.equal(quote("$(reboot)"), "'$(reboot)'");
  assert.equal(quote("~root"), "'~root'");
});
