/**
 * What a task measurement runs on: in the bench process, an engine that
 * executes runs and serves the HTTP API on loopback (`startServer` of
 * `@baton/server`, a free port on 127.0.0.1); outside it, task worker
 * processes (`bench/task-worker.ts`) polling one task queue of that server.
 * Disposing of it stops the task workers, then the server, then the engine.
 */
import { startServer } from "@baton/server";
import { createEngine, type Engine, type EngineOptions } from "baton";
import type { EngineWarnings } from "./engine-warnings.js";
import type { ScenarioContext } from "./scenario.js";
import { startTaskWorkers, type WorkerProcesses } from "./worker-processes.js";

/** A running engine, its server and its task workers. */
export interface TaskService extends AsyncDisposable {
  readonly engine: Engine;
  /** Base URL of the server, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The task worker processes (none when `taskWorkers` is 0). */
  readonly workers: WorkerProcesses | undefined;
  /** The lines the task workers wrote to standard error so far (the first 1,000), and how many there were. */
  workerOutput(): { lines: string[]; count: number };
}

/** Options of `openTaskService`. */
export interface TaskServiceOptions {
  /** Workflows the engine executes. */
  workflows: NonNullable<EngineOptions["workflows"]>;
  warnings: EngineWarnings;
  /** Task worker processes (0: none, and no server). */
  taskWorkers: number;
  /** The task queue they poll. */
  queue: string;
  /** Most tasks each holds at once. */
  max: number;
  /** Pass their standard error on (default true). */
  echo?: boolean;
  /** The engine's `maxRunsInMemory`. Default: the engine's. */
  maxRunsInMemory?: number;
}

/** Starts an engine on a new store `name`, its server and `taskWorkers` task workers, ready once they all are. */
export async function openTaskService(
  context: ScenarioContext,
  name: string,
  options: TaskServiceOptions,
): Promise<TaskService> {
  const engine = createEngine({
    store: context.newStore(name),
    workflows: options.workflows,
    logger: options.warnings.logger,
    ...(options.maxRunsInMemory ? { maxRunsInMemory: options.maxRunsInMemory } : {}),
  });
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let workers: WorkerProcesses | undefined;
  const close = async () => {
    if (workers) {
      const exits = await workers.stop();
      const unclean = exits.filter((exit) => !exit.endsWith("exited with 0"));
      if (unclean.length > 0) context.log(`task workers did not stop cleanly: ${unclean.join(", ")}`);
    }
    await server?.close();
    await engine[Symbol.asyncDispose]();
  };
  try {
    await engine.start();
    if (options.taskWorkers > 0) {
      server = await startServer({ engine, port: 0, logger: { error: (m, e) => options.warnings.logger.warn(m, e) } });
      workers = await startTaskWorkers(options.taskWorkers, server.url, {
        queue: options.queue,
        max: options.max,
        echo: options.echo ?? true,
      });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    engine,
    url: server?.url ?? "",
    workers,
    workerOutput: () => ({ lines: workers?.stderr ?? [], count: workers?.stderrCount ?? 0 }),
    [Symbol.asyncDispose]: close,
  };
}
