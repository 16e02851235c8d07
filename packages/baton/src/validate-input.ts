import { ValidationError } from "./errors.js";
import { checkStandardSchema } from "./schema-check.js";
import type { Workflow } from "./workflow.js";

/**
 * Checks `input` against the workflow's input schema, when it has one, and
 * returns the schema's output (which may be transformed).
 * @throws ValidationError naming each failing field.
 */
export async function validateInput(workflow: Workflow, input: unknown): Promise<unknown> {
  const schema = workflow.options.input;
  if (!schema) return input;
  const result = await checkStandardSchema(schema, input);
  if (result.issues) throw new ValidationError(`input of workflow "${workflow.name}"`, result.issues);
  return result.value;
}
