import { toMilliseconds } from "../duration.js";
import { BatonError } from "../errors.js";
import { exportJsonSchema } from "../schema-check.js";
import type { WorkflowRegistration } from "../store/store.js";
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

/**
 * The workflows an engine runs, by name: those given, and the failure
 * handlers they (or the engine) name, unless given.
 * @throws BatonError `DUPLICATE_WORKFLOW` when two given workflows share a name.
 */
export function collectWorkflows(options: Pick<EngineOptions, "workflows" | "onFailure">): Map<string, Workflow> {
  const workflows = new Map<string, Workflow>();
  for (const workflow of options.workflows ?? []) {
    if (workflows.has(workflow.name)) {
      throw new BatonError("DUPLICATE_WORKFLOW", `workflow "${workflow.name}" is registered twice`);
    }
    workflows.set(workflow.name, workflow as Workflow);
  }
  for (const handler of [options.onFailure, ...[...workflows.values()].map((w) => w.options.onFailure)]) {
    if (handler && !workflows.has(handler.name)) workflows.set(handler.name, handler as Workflow);
  }
  return workflows;
}
