import type { StandardSchemaV1 } from "@standard-schema/spec";
import { ValidationError } from "./errors.js";
import type { Workflow } from "./workflow.js";

const pathOf = (issue: StandardSchemaV1.Issue): string =>
  (issue.path ?? [])
    .map((segment) => (typeof segment === "object" ? segment.key : segment))
    .map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`))
    .join("")
    .replace(/^\./, "");

/**
 * Checks `input` against the workflow's input schema, when it has one, and
 * returns the schema's output (which may be transformed).
 * @throws ValidationError naming each failing field.
 */
export async function validateInput(workflow: Workflow, input: unknown): Promise<unknown> {
  const schema = workflow.options.input;
  if (!schema) return input;
  const result = await schema["~standard"].validate(input);
  if (result.issues) {
    throw new ValidationError(
      `input of workflow "${workflow.name}"`,
      result.issues.map((issue) => ({ path: pathOf(issue), message: issue.message })),
    );
  }
  return result.value;
}
