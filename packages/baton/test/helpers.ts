import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngine, type Engine, type EngineOptions, type Workflow } from "baton";

const tempDirs: string[] = [];
process.on("exit", () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory removed when the process exits. */
export function tempDir(prefix = "baton-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** A store address of a new SQLite file. */
export function tempStore(): string {
  return `sqlite:${join(tempDir(), "baton.db")}`;
}

/** An engine on a new SQLite file, quiet, polling fast; started unless `start: false`. */
export async function startEngine(
  // biome-ignore lint/suspicious/noExplicitAny: any workflow
  workflows: Workflow<any, any>[],
  options: EngineOptions & { start?: boolean } = {},
): Promise<Engine> {
  const engine = createEngine({
    store: tempStore(),
    pollInterval: 20,
    logger: { warn: () => {} },
    ...options,
    workflows,
  });
  if (options.start !== false) await engine.start();
  return engine;
}

/** Polls `check` until it returns a truthy value (or fails after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${check.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the run has the given status. */
export function statusOf(engine: Engine, runId: string, status: string, timeoutMs?: number) {
  return eventually(async () => (await engine.getRun(runId).catch(() => undefined))?.status === status, timeoutMs);
}
