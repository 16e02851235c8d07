/**
 * Baton's test kit: the store conformance suite.
 *
 * @example
 * import { createStoreSuite } from "baton/testing";
 * createStoreSuite(() => createMyStore());
 */
export { createStoreSuite, type StoreSuiteOptions, type TestFunction } from "./create-store-suite.js";
