import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type EngineOptions, isTaskDefinition, isWorkflow, type TaskDefinition, type Workflow } from "baton";
import { register } from "tsx/esm/api";
import { CliError } from "./cli-error.js";

// biome-ignore lint/suspicious/noExplicitAny: workflows of any input and output
type AnyWorkflow = Workflow<any, any>;

const typescriptFile = /\.[cm]?tsx?$/;
let tsxRegistered = false;

/**
 * Imports the user's module at `modulePath` (relative to the working
 * directory; TypeScript or JavaScript) and returns the workflows it exports:
 * its default export when that is an array of workflows, else every exported
 * value made by `defineWorkflow`.
 *
 * TypeScript modules load through tsx registered in this process (not
 * `tsImport`, whose separate module graph would give the module its own copy
 * of "baton", and so its own error classes).
 *
 * @throws CliError naming the file when it is missing, fails to load, or exports no workflows.
 */
export async function loadWorkflows(modulePath: string): Promise<AnyWorkflow[]> {
  return (await loadWorkflowModule(modulePath)).workflows;
}

/**
 * `loadWorkflows`, with what else the module declares for `baton worker` and
 * `baton serve` to give their engine: its export `queues` (`createEngine`'s
 * option of that name), the task handlers it exports (`defineTask`), and
 * its export `onFailure` (the engine-wide failure handler).
 * @throws CliError as `loadWorkflows`, or when `queues` is not an object.
 */
export async function loadWorkflowModule(modulePath: string): Promise<{
  workflows: AnyWorkflow[];
  tasks: TaskDefinition[];
  queues?: EngineOptions["queues"];
  onFailure?: EngineOptions["onFailure"];
}> {
  const path = resolve(modulePath);
  if (!existsSync(path)) throw new CliError(`module not found: ${modulePath} (looked for ${path})`);
  if (typescriptFile.test(path) && !tsxRegistered) {
    register();
    tsxRegistered = true;
  }
  let exports: Record<string, unknown>;
  try {
    exports = await import(pathToFileURL(path).href);
  } catch (error) {
    throw new CliError(`cannot load ${modulePath}: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
      detail: (error as Error)?.stack,
    });
  }
  const workflows = collectWorkflows(exports, modulePath);
  // Task handlers that declarative workflows call (values made by defineTask).
  const tasks = [...new Set(Object.values(exports).filter(isTaskDefinition))];
  if (workflows.length === 0 && tasks.length === 0) {
    throw new CliError(
      `${modulePath} exports no workflows: export the values made by defineWorkflow (or defineTask), or a default array of them`,
    );
  }
  const { queues } = exports;
  if (queues !== undefined && (typeof queues !== "object" || queues === null || Array.isArray(queues))) {
    throw new CliError(`${modulePath}: its export "queues" must be an object of queue options, by queue name`);
  }
  // The engine-wide failure handler: the workflow the module exports as `onFailure`.
  const onFailure = isWorkflow(exports.onFailure) ? (exports.onFailure as EngineOptions["onFailure"]) : undefined;
  return {
    workflows,
    tasks,
    ...(queues === undefined ? {} : { queues: queues as EngineOptions["queues"] }),
    ...(onFailure ? { onFailure } : {}),
  };
}

function collectWorkflows(exports: Record<string, unknown>, modulePath: string): AnyWorkflow[] {
  const fallback = exports.default;
  if (Array.isArray(fallback)) {
    fallback.forEach((item, index) => {
      if (!isWorkflow(item)) {
        throw new CliError(
          `${modulePath}: item ${index} of the default export is not a workflow (made by defineWorkflow)`,
        );
      }
    });
    return [...new Set(fallback as AnyWorkflow[])];
  }
  return [...new Set(Object.values(exports).filter(isWorkflow))];
}
