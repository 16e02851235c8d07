import { Command, Option } from "@commander-js/extra-typings";
import { createEngine, type Engine } from "baton";
import { colorsFor } from "../colors.js";
import { definitionEngineOptions, httpAllowOption } from "../definition-options.js";
import { loadWorkflowModule } from "../load-workflows.js";
import { maskPassword } from "../mask-password.js";
import { parseDuration } from "../parse-duration.js";
import { storeError } from "../store-error.js";
import { storeOption } from "../store-option.js";
import { waitForStopSignal } from "../wait-for-stop-signal.js";

/**
 * `baton worker <module>`: loads the workflows `module` exports, starts an
 * engine that executes their runs, and stops it gracefully on SIGINT or
 * SIGTERM (steps in flight get the engine's stop timeout, 10 s; every run
 * stays resumable).
 *
 * @example
 * baton worker src/workflows.ts --store postgres://baton@db.internal/app
 * // worker db-1:4242:1a2b3c4d5e6f running order@1, signup@1 on postgres://baton@db.internal/app
 */
export function createWorkerCommand() {
  return new Command("worker")
    .description("execute the runs of the workflows a module exports, until SIGINT or SIGTERM")
    .argument("<module>", "TypeScript or JavaScript module exporting workflows (or a default array of them)")
    .addOption(storeOption())
    .addOption(
      new Option(
        "--lease <duration>",
        "lease on claimed runs; a dead worker's runs are taken over after it (default 15s)",
      ).argParser(parseDuration),
    )
    .addOption(
      new Option("--poll-interval <duration>", "how often to look for due or abandoned runs (default 500ms)").argParser(
        parseDuration,
      ),
    )
    .option("--worker-id <id>", "name of this worker in leases (default <host>:<pid>:<random>)")
    .addOption(httpAllowOption())
    .option("--no-migrate", "do not apply pending migrations on start (a deploy step runs `baton migrate`)")
    .action(async (modulePath, options) => {
      const { workflows, tasks, queues, onFailure } = await loadWorkflowModule(modulePath);
      const store = maskPassword(options.store);
      let engine: Engine;
      try {
        engine = createEngine({
          store: options.store,
          workflows,
          tasks,
          queues,
          onFailure,
          migrate: options.migrate,
          ...definitionEngineOptions(options.httpAllow),
          lease: options.lease,
          pollInterval: options.pollInterval,
          workerId: options.workerId,
        });
      } catch (error) {
        throw storeError(error, `cannot start a worker on store "${store}"`, options.store);
      }
      const stopSignal = waitForStopSignal();
      try {
        await engine.start();
      } catch (error) {
        await Promise.resolve(engine[Symbol.asyncDispose]()).catch(() => {});
        throw storeError(error, `cannot start a worker on store "${store}"`, options.store);
      }
      const c = colorsFor(process.stdout);
      const names = workflows.map((workflow) => c.bold(`${workflow.name}@${workflow.version}`)).join(", ");
      console.log(`worker ${engine.workerId} running ${names} on ${store}`);
      const signal = await stopSignal;
      console.log(`${signal}: stopping the worker`);
      await engine[Symbol.asyncDispose]();
      console.log("worker stopped");
    });
}
