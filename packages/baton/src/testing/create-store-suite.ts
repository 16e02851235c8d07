import { test as nodeTest } from "node:test";
import type { Store } from "../store/store.js";
import { storeDefinitionCases } from "./store-definition-cases.js";
import { storeInboxCases } from "./store-inbox-cases.js";
import { storeLeaseCases } from "./store-lease-cases.js";
import { storeReadCases } from "./store-read-cases.js";
import { storeScheduleCases } from "./store-schedule-cases.js";

/**
 * A test runner's `test` function: node:test's, vitest's, jest's...
 *
 * @example
 * import { test } from "vitest";
 * createStoreSuite(() => createMyStore(), { test });
 */
export type TestFunction = (name: string, fn: () => Promise<void>) => unknown;

/**
 * Options of `createStoreSuite`.
 *
 * @example
 * createStoreSuite(() => createMyStore(), { test: it, prefix: "my store: " });
 */
export interface StoreSuiteOptions {
  /** Registers one test. Default: `test` of `node:test`. */
  test?: TestFunction;
  /** Put before each test's name. Default `"store: "`. */
  prefix?: string;
}

/**
 * Registers the store conformance suite: tests of every `Store` verb's
 * contract (see the invariants in `Store`'s documentation), each on a fresh
 * store from `makeStore()`, migrated first and closed afterwards. Run it
 * against your own backend to check that the engine can rely on it. Stores
 * are never shared between tests: `makeStore` must give an empty one each
 * time (a new file, a new schema). Returns the names of the tests.
 *
 * @example
 * // my-store.test.ts, run with `node --test`
 * import { createStoreSuite } from "baton/testing";
 * createStoreSuite(() => createMyStore({ database: `test_${crypto.randomUUID()}` }));
 *
 * // with vitest
 * import { test } from "vitest";
 * createStoreSuite(() => createMyStore(), { test });
 */
export function createStoreSuite(makeStore: () => Store | Promise<Store>, options: StoreSuiteOptions = {}): string[] {
  const register = options.test ?? nodeTest;
  const prefix = options.prefix ?? "store: ";
  const cases = [
    ...storeLeaseCases,
    ...storeInboxCases,
    ...storeReadCases,
    ...storeScheduleCases,
    ...storeDefinitionCases,
  ];
  for (const storeCase of cases) {
    register(`${prefix}${storeCase.name}`, async () => {
      const store = await makeStore();
      try {
        await store.migrate();
        await storeCase.run(store);
      } finally {
        await store.close();
      }
    });
  }
  return cases.map((storeCase) => `${prefix}${storeCase.name}`);
}
