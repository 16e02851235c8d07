/**
 * A step attempt cut off by the death of its process runs again
 * (at-least-once), and such an attempt does not use up the retry budget: a
 * step with `maxAttempts: 1` still completes. The start of an attempt is
 * written along with the next write of the run, not before the body runs, so
 * a body killed in the turn it started may be told the same attempt number
 * again.
 *
 * The file is its own child process: with `REPRO_ROLE=doomed` it starts an
 * engine whose step body kills the process (SIGKILL).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { createEngine, defineWorkflow, type RetryPolicy, type RunFailedError } from "baton";
import { eventually, startEngine, tempDir } from "../helpers.js";

/** When the body of a doomed process kills it: in the turn it started, or once the store shows its start. */
type Death = "at-once" | "once-started";

/**
 * Each execution of the body appends its `step.attempt` to `<dir>/executions.log`. With `die` set,
 * the body then kills its process: at once, or once `started(attempt)` says its start is recorded.
 */
const makeWorkflow = (
  dir: string,
  die: Death | undefined,
  retry: RetryPolicy | undefined,
  started: (attempt: number) => Promise<unknown> = async () => {},
) =>
  defineWorkflow("attempt-start", async (ctx) =>
    ctx.step(
      "charge",
      async (step) => {
        appendFileSync(join(dir, "executions.log"), `${step.attempt}\n`);
        if (die === "at-once") process.kill(process.pid, "SIGKILL");
        if (die === "once-started") {
          await started(step.attempt);
          process.kill(process.pid, "SIGKILL");
        }
        return "charged";
      },
      retry ? { retry } : {},
    ),
  );

if (process.env.REPRO_ROLE === "doomed") {
  const dir = process.env.REPRO_DIR as string;
  const maxAttempts = Number(process.env.REPRO_MAX_ATTEMPTS);
  const workflow = makeWorkflow(
    dir,
    process.env.REPRO_DIE as Death,
    maxAttempts ? { maxAttempts } : undefined,
    (attempt) =>
      eventually(async () =>
        (await engine.store.getHistory("r")).some((e) => e.type === "step.started" && e.attempt === attempt),
      ),
  );
  const engine = createEngine({
    store: `sqlite:${join(dir, "baton.db")}`,
    workflows: [workflow],
    lease: "300ms",
    pollInterval: 20,
  });
  await engine.start();
  await engine.startRun(workflow, {}, { id: "r" });
} else {
  /** Runs a process that dies in the step body, then a healthy engine on the same file until the run ends. */
  const crashThenRecover = async (die: Death, maxAttempts?: number) => {
    const dir = tempDir("baton-repro-");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=development", fileURLToPath(import.meta.url)],
      {
        cwd: fileURLToPath(new URL("../..", import.meta.url)),
        env: {
          ...process.env,
          REPRO_ROLE: "doomed",
          REPRO_DIR: dir,
          REPRO_DIE: die,
          REPRO_MAX_ATTEMPTS: String(maxAttempts ?? 0),
        },
        stdio: "inherit",
      },
    );
    const [, signal] = await once(child, "exit");
    assert.equal(signal, "SIGKILL", "the first process died in the step body");
    const workflow = makeWorkflow(dir, undefined, maxAttempts === undefined ? undefined : { maxAttempts });
    const engine = await startEngine([workflow], { store: `sqlite:${join(dir, "baton.db")}`, lease: "300ms" });
    try {
      const outcome = await engine
        .handle("r")
        .result()
        .then(
          (output) => ({ output }),
          (error: RunFailedError) => ({ status: error.status, error: error.error?.message }),
        );
      const executions = readFileSync(join(dir, "executions.log"), "utf8").trim().split("\n").map(Number);
      const started = (await engine.getHistory("r")).filter((e) => e.type === "step.started").map((e) => e.attempt);
      return { outcome, executions, started };
    } finally {
      await engine[Symbol.asyncDispose]();
    }
  };

  test("a body killed after its start was recorded runs again as attempt 2", async () => {
    const { outcome, executions, started } = await crashThenRecover("once-started");
    assert.deepEqual(outcome, { output: "charged" });
    assert.deepEqual(executions, [1, 2]);
    assert.deepEqual(started, [1, 2]);
  });

  test("a body killed in the turn it started runs again and the run completes", async () => {
    const { outcome, executions } = await crashThenRecover("at-once");
    assert.deepEqual(outcome, { output: "charged" });
    assert.equal(executions.length, 2, "the body ran again after the crash");
  });

  test("an interrupted attempt does not use up the retry budget, early or late", async () => {
    for (const die of ["once-started", "at-once"] as const) {
      const { outcome, executions } = await crashThenRecover(die, 1);
      assert.deepEqual(outcome, { output: "charged" }, `killed ${die}`);
      assert.equal(executions.length, 2);
    }
  });
}
