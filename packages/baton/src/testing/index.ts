/**
 * Baton's test kit: an engine whose time skips ahead while every run is
 * blocked, step mocks, history assertions, and the store conformance suite.
 *
 * @example
 * import { assertHistory, createTestEngine } from "baton/testing";
 * await using engine = await createTestEngine({ workflows: [reminder] });
 * const run = await engine.startRun(reminder, { userId: "u-1" });
 * await run.result(); // its 30-day sleep takes milliseconds
 * await assertHistory(engine, run.id, ["timer.set", "timer.fired"], { partial: true });
 */

export { type ReplayDivergence, type ReplayResult, replayHistory } from "../replay-history.js";
export { type AssertHistoryOptions, assertHistory, type ExpectedEvent } from "./assert-history.js";
export { createStoreSuite, type StoreSuiteOptions, type TestFunction } from "./create-store-suite.js";
export { createTestEngine, type TestEngine, type TestEngineOptions } from "./create-test-engine.js";
export type { StepMock } from "./step-mocks.js";
