/**
 * A stored definition as a workflow the engine runs: its name and version,
 * its input's JSON Schema as the workflow's input schema, its retry policy,
 * timeout and queue, and a function that runs its nodes.
 */
import type { StandardJSONSchemaV1, StandardSchemaV1 } from "@standard-schema/spec";
import { checkJsonSchema } from "../schema-check.js";
import { defineWorkflow, type Workflow } from "../workflow.js";
import type { Definition } from "./definition-types.js";
import { type NodeHooks, NodeRunner, type NodeRunnerDeps } from "./node-runner.js";

/** A JSON Schema as a Standard Schema (checked with ajv), which exports itself as JSON Schema too. */
export function standardFromJsonSchema(schema: Record<string, unknown>): StandardSchemaV1 & StandardJSONSchemaV1 {
  return {
    "~standard": {
      version: 1,
      vendor: "baton",
      async validate(value: unknown) {
        const issues = await checkJsonSchema(schema, value);
        if (!issues || issues.length === 0) return { value };
        return {
          issues: issues.map((issue) => ({
            message: issue.message,
            path: issue.path ? issue.path.split(/\.|\[|\]/).filter(Boolean) : [],
          })),
        };
      },
      jsonSchema: { input: () => schema, output: () => schema },
    },
  } as StandardSchemaV1 & StandardJSONSchemaV1;
}

/**
 * The workflow that runs `definition` (`hooks` trace it node by node).
 *
 * @example
 * const workflow = createDefinitionWorkflow(definition, deps);
 */
export function createDefinitionWorkflow(definition: Definition, deps: NodeRunnerDeps, hooks?: NodeHooks): Workflow {
  const { document } = definition;
  return defineWorkflow(
    definition.name,
    (ctx, input: unknown) => new NodeRunner(ctx, document, input, deps, hooks).run(),
    {
      version: definition.version,
      ...(document.input ? { input: standardFromJsonSchema(document.input) } : {}),
      ...(document.retry ? { retry: document.retry } : {}),
      ...(document.timeout !== undefined ? { timeout: document.timeout } : {}),
      ...(document.queue !== undefined ? { queue: document.queue } : {}),
    },
  ) as Workflow;
}
