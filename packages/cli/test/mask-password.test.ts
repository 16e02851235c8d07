import assert from "node:assert/strict";
import { test } from "node:test";
import { maskPassword, maskPasswordsIn } from "../src/mask-password.js";

test("maskPassword hides the password of an address and nothing else", () => {
  assert.equal(
    maskPassword("postgres://baton:s3cret@db:5432/app?schema=x"),
    "postgres://baton:***@db:5432/app?schema=x",
  );
  assert.equal(maskPassword("postgres://baton:p%40ss@db/app"), "postgres://baton:***@db/app");
  assert.equal(maskPassword("postgres://baton@db/app"), "postgres://baton@db/app");
  assert.equal(
    maskPassword("postgres://db/app?user=u&password=pw&schema=s"),
    "postgres://db/app?user=u&password=***&schema=s",
  );
  assert.equal(maskPassword("sqlite:.baton/baton.db"), "sqlite:.baton/baton.db");
  assert.equal(maskPassword("sqlite://./data/b.db"), "sqlite://./data/b.db");
});

test("maskPasswordsIn hides the password wherever a message quotes it", () => {
  const address = "postgres://baton:hunter22@db/app";
  assert.equal(
    maskPasswordsIn(`cannot reach ${address}: bad password "hunter22"`, address),
    'cannot reach postgres://baton:***@db/app: bad password "***"',
  );
});
