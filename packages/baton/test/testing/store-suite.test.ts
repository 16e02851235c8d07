import assert from "node:assert/strict";
import { test } from "node:test";
import { openStore, type Store } from "baton";
import { createStoreSuite } from "baton/testing";
import { wrapStore } from "../helpers.js";

/** Registers the suite with a runner that only collects the tests. */
function collect(makeStore: () => Store) {
  const tests: { name: string; fn: () => Promise<void> }[] = [];
  const names = createStoreSuite(makeStore, { test: (name, fn) => tests.push({ name, fn }), prefix: "mine: " });
  return { tests, names };
}

test("the suite registers its tests with the runner given, each on a fresh store it closes", async () => {
  let opened = 0;
  let closed = 0;
  const { tests, names } = collect(() => {
    opened++;
    const store = openStore("sqlite::memory:");
    return wrapStore(store, {
      close: async () => {
        closed++;
        await store.close();
      },
    });
  });
  assert.ok(tests.length >= 15);
  assert.deepEqual(
    tests.map((t) => t.name),
    names,
  );
  assert.ok(names.every((name) => name.startsWith("mine: ")));
  assert.equal(opened, 0, "stores are made when the tests run");
  for (const t of tests) await t.fn();
  assert.equal(opened, tests.length);
  assert.equal(closed, tests.length);
});

test("a store that breaks a contract fails the suite's test of it", async () => {
  // A store that drops signals: sendSignal resolves but stores nothing.
  const { tests } = collect(() => wrapStore(openStore("sqlite::memory:"), { sendSignal: async () => {} }));
  const results = await Promise.allSettled(tests.map((t) => t.fn()));
  const failed = tests.filter((_, i) => results[i]?.status === "rejected").map((t) => t.name);
  assert.ok(
    failed.includes("mine: signals to a run poke it; the holder sees them in its inbox and in pokedRuns"),
    `failed: ${failed.join(", ")}`,
  );
  assert.ok(!failed.includes("mine: migrating twice applies nothing the second time"), "the others pass");
});
