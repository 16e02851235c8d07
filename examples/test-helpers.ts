/**
 * Helpers shared by the example tests: an engine on a throwaway SQLite file,
 * polling until a condition holds, and reading a run's history.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngine, type Engine, type EngineOptions, type HistoryEvent, RunFailedError, type Workflow } from "baton";

/** A fresh directory, removed when the process exits. */
export function tempDir(prefix = "baton-examples-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A started engine on a new SQLite file, quiet and polling fast. */
export async function startEngine(
  // biome-ignore lint/suspicious/noExplicitAny: workflows of any input and output
  workflows: Workflow<any, any>[],
  options: EngineOptions = {},
): Promise<Engine> {
  const engine = createEngine({
    store: `sqlite:${join(tempDir(), "baton.db")}`,
    pollInterval: 20,
    logger: { warn: () => {} },
    ...options,
    workflows,
  });
  await engine.start();
  return engine;
}

/** Polls `check` until it returns a truthy value; fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${check.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the run's history has an event of `type` (and `name`, when given), and returns it. */
export function waitForEvent(engine: Engine, runId: string, type: HistoryEvent["type"], name?: string) {
  return eventually(async () =>
    (await engine.getHistory(runId)).find((e) => e.type === type && (name === undefined || e.name === name)),
  );
}

/** The `RunFailedError` a run's `result()` rejects with (fails the test if it completes). */
export async function failureOf(result: Promise<unknown>): Promise<RunFailedError> {
  try {
    await result;
  } catch (error) {
    if (error instanceof RunFailedError) return error;
    throw error;
  }
  throw new Error("expected the run to end without completing, but it completed");
}

/** `[type, name]` of the compensation events of a history, in order. */
export function compensations(history: HistoryEvent[]): [string, string | undefined][] {
  return history.filter((e) => e.type.startsWith("compensation.")).map((e) => [e.type, e.name]);
}
