import assert from "node:assert/strict";
import { test } from "node:test";
import { checkEventMatch, matchableFields, matchesEvent } from "../src/event-match.js";

test("a match may not hold text jsonb cannot store; payload fields with such text are never matchable", () => {
  for (const bad of [{ "a\u0000": 1 }, { a: "x\u0000" }, { a: "\ud800" }, { "\udc00x": 1 }]) {
    assert.throws(() => checkEventMatch("e", bad), { code: "INVALID_MATCH" }, JSON.stringify(bad));
  }
  assert.deepEqual(checkEventMatch("e", { a: "😀", b: 1 }), { a: "😀", b: 1 }, "a whole surrogate pair is fine");
  assert.deepEqual(matchableFields({ a: "😀", b: "\ud800", c: { d: 1 }, e: null }), { a: "😀", e: null });
  assert.equal(matchesEvent({ b: "\ud800" }, { b: "\ud800" }), true, "the rule itself compares values");
  assert.equal(matchableFields([1]), null);
});
