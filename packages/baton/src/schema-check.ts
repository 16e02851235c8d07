/**
 * Checks of values against schemas: a workflow's Standard Schemas (when the
 * process has its code) and the JSON Schemas that workers export from them
 * into the store (for processes without the code). JSON Schemas are checked
 * with ajv, loaded on first use only.
 */
import type { StandardJSONSchemaV1, StandardSchemaV1 } from "@standard-schema/spec";

/** One reason a value failed a schema: where (`a.b[0]`, empty for the value itself) and why. */
export interface SchemaIssue {
  path: string;
  message: string;
}

/** The path of a Standard Schema issue as `a.b[0]`. */
export const issuePath = (issue: StandardSchemaV1.Issue): string =>
  (issue.path ?? [])
    .map((segment) => (typeof segment === "object" ? segment.key : segment))
    .map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`))
    .join("")
    .replace(/^\./, "");

/** What `value` fails of a Standard Schema (none: it passes), with the schema's output when it passes. */
export async function checkStandardSchema(
  schema: StandardSchemaV1,
  value: unknown,
): Promise<{ issues: SchemaIssue[] } | { issues?: undefined; value: unknown }> {
  const result = await schema["~standard"].validate(value);
  if (!result.issues) return { value: result.value };
  return { issues: result.issues.map((issue) => ({ path: issuePath(issue), message: issue.message })) };
}

/**
 * The JSON Schema (draft-07) of the values a Standard Schema accepts, through
 * the Standard JSON Schema interface (`~standard.jsonSchema`: zod 4, arktype,
 * valibot with its adapter...). Undefined when the schema offers none or
 * cannot express itself as one (a refinement, a transform...): nothing is
 * stored then, and processes without the code cannot check the value.
 */
export function exportJsonSchema(schema: StandardSchemaV1 | undefined): Record<string, unknown> | undefined {
  const converter = (schema as Partial<StandardJSONSchemaV1> | undefined)?.["~standard"]?.jsonSchema;
  if (typeof converter?.input !== "function") return undefined;
  try {
    const exported = converter.input({ target: "draft-07" });
    return typeof exported === "object" && exported !== null ? JSON.parse(JSON.stringify(exported)) : undefined;
  } catch {
    return undefined;
  }
}

type CompiledCheck = ((value: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string; params: Record<string, unknown> }[] | null;
};
let compiler: Promise<(schema: object) => CompiledCheck> | undefined;
const compiled = new Map<string, CompiledCheck | null>();

const loadCompiler = () =>
  (compiler ??= import("ajv").then(({ default: Ajv }) => {
    // Formats are not checked (that would take another package): the worker's own schema checks them.
    const ajv = new (Ajv as unknown as new (options: object) => { compile(schema: object): CompiledCheck })({
      allErrors: true,
      strict: false,
      validateFormats: false,
    });
    return (schema: object) => ajv.compile(schema);
  }));

/**
 * What `value` fails of a stored JSON Schema (an empty list: it passes);
 * undefined when the schema cannot be compiled (nothing can be said).
 */
export async function checkJsonSchema(
  schema: Record<string, unknown>,
  value: unknown,
): Promise<SchemaIssue[] | undefined> {
  const key = JSON.stringify(schema);
  let check = compiled.get(key);
  if (check === undefined) {
    const compile = await loadCompiler();
    try {
      check = compile(schema);
    } catch {
      check = null;
    }
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(key, check);
  }
  if (check === null) return undefined;
  if (check(value)) return [];
  return (check.errors ?? []).map((error) => {
    const segments = error.instancePath
      .split("/")
      .slice(1)
      .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
    if (typeof error.params.missingProperty === "string") segments.push(error.params.missingProperty);
    if (typeof error.params.additionalProperty === "string") segments.push(error.params.additionalProperty);
    const path = segments
      .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
      .join("")
      .replace(/^\./, "");
    return { path, message: error.message ?? "is invalid" };
  });
}
