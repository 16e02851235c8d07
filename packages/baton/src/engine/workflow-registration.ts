import { toMilliseconds } from "../duration.js";
import { BatonError } from "../errors.js";
import { exportJsonSchema } from "../schema-check.js";
import type { Store, WorkflowRegistration } from "../store/store.js";
import { eventSubscriptions, type Workflow } from "../workflow.js";
import type { EngineOptions } from "./engine-types.js";

/**
 * What a worker registers in the store about a workflow it serves: its
 * version, run timeout, event subscriptions, and the JSON Schemas of its
 * input and declared signals (those its Standard Schemas can export).
 */
export function toRegistration(workflow: Workflow): WorkflowRegistration {
  const registration: WorkflowRegistration = {
    workflow: workflow.name,
    version: workflow.version,
    subscriptions: eventSubscriptions(workflow).map(({ name, match }) => ({
      event: name,
      ...(match ? { match } : {}),
    })),
  };
  if (workflow.options.timeout !== undefined) registration.timeoutMs = toMilliseconds(workflow.options.timeout);
  if (workflow.options.queue !== undefined && workflow.options.queue !== "default") {
    registration.queue = workflow.options.queue;
  }
  const input = exportJsonSchema(workflow.options.input);
  if (input) registration.inputSchema = input;
  const signals: Record<string, Record<string, unknown>> = {};
  for (const [name, schema] of Object.entries(workflow.options.signals ?? {})) {
    const exported = exportJsonSchema(schema);
    if (exported) signals[name] = exported;
  }
  if (Object.keys(signals).length > 0) registration.signalSchemas = signals;
  return registration;
}

/** Orders versions: whole numbers as numbers, then text ("2" < "10" < "2026-01"). */
export const compareVersions = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

/**
 * The workflows an engine runs: by name, the newest version of each (the
 * highest, numbers compared as numbers), which new runs start on; and every
 * version given, which the worker runs (open runs continue on their own).
 * Failure handlers the workflows (or the engine) name are added unless given.
 * @throws BatonError `DUPLICATE_WORKFLOW` when a name and version is given twice.
 */
export function collectWorkflows(options: Pick<EngineOptions, "workflows" | "onFailure">): {
  workflows: Map<string, Workflow>;
  versions: Workflow[];
} {
  const workflows = new Map<string, Workflow>();
  const versions: Workflow[] = [];
  const seen = new Set<string>();
  const add = (workflow: Workflow) => {
    const key = `${workflow.name}@${workflow.version}`;
    if (seen.has(key)) {
      throw new BatonError(
        "DUPLICATE_WORKFLOW",
        `workflow "${workflow.name}" version "${workflow.version}" is registered twice`,
      );
    }
    seen.add(key);
    versions.push(workflow);
    const newest = workflows.get(workflow.name);
    if (!newest || compareVersions(workflow.version, newest.version) > 0) workflows.set(workflow.name, workflow);
  };
  for (const workflow of options.workflows ?? []) add(workflow as Workflow);
  for (const handler of [options.onFailure, ...versions.map((w) => w.options.onFailure)]) {
    if (handler && !workflows.has(handler.name)) add(handler as Workflow);
  }
  return { workflows, versions };
}

/**
 * Registers every version in the store (what senders without the code
 * need): the older ones first, a millisecond earlier, so that the newest
 * of each name is its newest registration.
 */
export async function registerVersions(
  store: Store,
  newest: Map<string, Workflow>,
  versions: readonly Workflow[],
  now: number,
): Promise<void> {
  const older = versions.filter((w) => newest.get(w.name) !== w);
  if (older.length > 0) await store.registerWorkflows(older.map(toRegistration), now - 1);
  if (newest.size > 0) await store.registerWorkflows([...newest.values()].map(toRegistration), now);
}

/** The newest version of each workflow, by name, as `engine.listWorkflows` gives them. */
export function describeCode(workflows: Map<string, Workflow>) {
  return [...workflows.values()]
    .map((w) => ({ name: w.name, version: w.version, validatesInput: w.options.input !== undefined }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
