/**
 * The form a human task asks for, read from its JSON Schema (`form`): the
 * fields to draw, without React. An object schema becomes one field per
 * property, in the schema's order:
 *
 * - `string`: a text input (`format` date, date-time, time, email, uri pick
 *   the input's type; `maxLength` over 200 makes it a text area);
 * - `number` / `integer`: a number input with `minimum` / `maximum`;
 * - `boolean`: a checkbox;
 * - `enum`, or `oneOf` / `anyOf` of `const`s (their `title`s as labels): a select;
 * - an array whose `items` are such a choice: one checkbox per value;
 * - an object with `properties`: a group of fields (four levels deep at most);
 * - anything else (tuples, combinators, several types...): JSON text.
 *
 * `title` labels a field (else its property name), `description` is its
 * hint, `default` its first value, `required` marks it. A schema this
 * cannot draw as fields (not an object, an object without properties, a
 * combinator at the top) is answered as JSON text; so is a human task
 * without a form. Local `$ref`s (`#/...`) are followed. The values a person
 * enters become the answer's data in form-data.ts.
 */

/** A JSON Schema, as the API gives it. */
export type JsonSchema = Record<string, unknown>;

/** One choice of a select or of a group of checkboxes. */
export interface FormOption {
  value: unknown;
  label: string;
}

/** What every field has. */
interface FieldBase {
  /** Property names from the top of the data. */
  path: string[];
  /** The path as the API writes an issue's: `a.b`. Keys the values of a form. */
  key: string;
  label: string;
  hint?: string;
  required: boolean;
  /** The schema allows `null` too: an empty entry is sent as `null`. */
  nullable: boolean;
}

/** The type of input a text field uses. */
export type TextInput = "text" | "date" | "datetime-local" | "time" | "email" | "url";

/** One field of a form. */
export type FormField =
  | (FieldBase & { kind: "text"; input: TextInput; multiline: boolean; minLength?: number; maxLength?: number })
  | (FieldBase & { kind: "number"; integer: boolean; minimum?: number; maximum?: number })
  | (FieldBase & { kind: "checkbox" })
  | (FieldBase & { kind: "select"; options: FormOption[] })
  | (FieldBase & { kind: "choices"; options: FormOption[] })
  | (FieldBase & { kind: "group"; fields: FormField[] })
  | (FieldBase & { kind: "json"; reason: string });

/** A form: fields drawn from the schema, or the whole answer as JSON text. */
export type FormModel =
  | { kind: "fields"; title?: string; description?: string; fields: FormField[]; defaults: Record<string, unknown> }
  | { kind: "json"; reason: string; schema?: JsonSchema; default?: unknown };

const maxDepth = 4;
const combinators = ["allOf", "anyOf", "oneOf", "not", "if"] as const;
const textInputs: Record<string, TextInput> = {
  date: "date",
  "date-time": "datetime-local",
  time: "time",
  email: "email",
  uri: "url",
};

const isObject = (value: unknown): value is JsonSchema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const numberOf = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

/** The schema `#/a/b` points at in `root`, or `undefined`. */
function pointAt(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith("#")) return undefined;
  let at: unknown = root;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    at = isObject(at) ? at[key] : undefined;
  }
  return isObject(at) ? at : undefined;
}

/** `schema` with its local `$ref`s followed (at most 10 in a row; a loop or a missing target stays as it is). */
function resolve(schema: unknown, root: JsonSchema): JsonSchema | undefined {
  let current = isObject(schema) ? schema : undefined;
  for (let hops = 0; hops < 10 && typeof current?.$ref === "string"; hops++) {
    const target = pointAt(root, current.$ref);
    if (!target) return current;
    const { $ref: _, ...rest } = current;
    current = { ...target, ...rest };
  }
  return current;
}

/** The types a schema names, `null` apart. */
function typesOf(schema: JsonSchema): { types: string[]; nullable: boolean } {
  const named = [schema.type].flat().filter((t): t is string => typeof t === "string");
  return { types: named.filter((t) => t !== "null"), nullable: named.includes("null") };
}

const labelOf = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** The choices of an `enum`, or of a `oneOf` / `anyOf` whose every branch is a `const`; `undefined` otherwise. */
function choicesOf(schema: JsonSchema, root: JsonSchema): FormOption[] | undefined {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return schema.enum.map((value) => ({ value, label: labelOf(value) }));
  }
  const branches = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
  if (!branches || branches.length === 0) return undefined;
  const options: FormOption[] = [];
  for (const branch of branches.map((b) => resolve(b, root))) {
    if (!branch || !("const" in branch)) return undefined;
    options.push({ value: branch.const, label: text(branch.title) ?? labelOf(branch.const) });
  }
  return options;
}

/** True when a schema holds a combinator (other than a choice of `const`s, handled before). */
const combines = (schema: JsonSchema) => combinators.some((key) => schema[key] !== undefined);

/** The fields of an object schema's properties. */
function fieldsOf(schema: JsonSchema, root: JsonSchema, path: string[]): FormField[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === "string") : []);
  return Object.entries(properties).map(([name, property]) =>
    readField(resolve(property, root) ?? {}, root, [...path, name], required.has(name)),
  );
}

/** The field of one property. */
function readField(schema: JsonSchema, root: JsonSchema, path: string[], required: boolean): FormField {
  const { types, nullable } = typesOf(schema);
  const base = {
    path,
    key: path.join("."),
    label: text(schema.title) ?? (path[path.length - 1] as string),
    required,
    nullable,
    ...(text(schema.description) ? { hint: schema.description as string } : {}),
  };
  const json = (reason: string): FormField => ({ ...base, kind: "json", reason });
  const choices = choicesOf(schema, root);
  if (choices) return { ...base, kind: "select", options: choices };
  if (combines(schema)) return json("the schema combines several schemas");
  if (types.length > 1) return json(`the value may be any of ${types.join(", ")}`);
  const type = types[0] ?? (isObject(schema.properties) ? "object" : isObject(schema.items) ? "array" : undefined);
  switch (type) {
    case "string": {
      const maxLength = numberOf(schema.maxLength);
      const minLength = numberOf(schema.minLength);
      return {
        ...base,
        kind: "text",
        input: textInputs[String(schema.format)] ?? "text",
        multiline: (maxLength ?? 0) > 200 && textInputs[String(schema.format)] === undefined,
        ...(maxLength === undefined ? {} : { maxLength }),
        ...(minLength === undefined ? {} : { minLength }),
      };
    }
    case "number":
    case "integer": {
      const minimum = numberOf(schema.minimum);
      const maximum = numberOf(schema.maximum);
      return {
        ...base,
        kind: "number",
        integer: type === "integer",
        ...(minimum === undefined ? {} : { minimum }),
        ...(maximum === undefined ? {} : { maximum }),
      };
    }
    case "boolean":
      return { ...base, kind: "checkbox" };
    case "array": {
      const items = resolve(schema.items, root);
      const options = items ? choicesOf(items, root) : undefined;
      return options ? { ...base, kind: "choices", options } : json("a list of values other than choices");
    }
    case "object":
      if (!isObject(schema.properties) || Object.keys(schema.properties).length === 0) {
        return json("an object without named properties");
      }
      if (path.length >= maxDepth) return json(`an object nested more than ${maxDepth} levels deep`);
      return { ...base, kind: "group", fields: fieldsOf(schema, root, path) };
    default:
      return json(type === undefined ? "the schema does not say which type" : `a value of type ${type}`);
  }
}

/** The `default`s of an object schema's properties (and of their own properties), by key. */
function defaultsOf(properties: JsonSchema, root: JsonSchema, prefix: string[]): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    const schema = resolve(property, root);
    if (!schema) continue;
    const path = [...prefix, name];
    if (schema.default !== undefined) defaults[path.join(".")] = schema.default;
    if (isObject(schema.properties) && path.length < maxDepth) {
      Object.assign(defaults, defaultsOf(schema.properties, root, path));
    }
  }
  return defaults;
}

/**
 * Reads the form of a human task: fields when its schema is an object with
 * properties, JSON text otherwise (and for no form at all).
 *
 * @example
 * const model = readFormModel({ type: "object", properties: { approved: { type: "boolean" } } });
 * // { kind: "fields", fields: [{ kind: "checkbox", key: "approved", label: "approved", ... }], defaults: {} }
 */
export function readFormModel(form: JsonSchema | undefined): FormModel {
  if (form === undefined) return { kind: "json", reason: "This human task has no form: any JSON data, or none." };
  const top = resolve(form, form) ?? {};
  const json = (reason: string): FormModel => ({
    kind: "json",
    reason,
    schema: form,
    ...(top.default === undefined ? {} : { default: top.default }),
  });
  const { types } = typesOf(top);
  if (combines(top)) return json("Its form combines several schemas: the data is given as JSON.");
  if (types.length > 0 && !(types.length === 1 && types[0] === "object")) {
    return json(`Its form asks for ${types.join(" or ")}, not for named fields: the data is given as JSON.`);
  }
  if (!isObject(top.properties) || Object.keys(top.properties).length === 0) {
    return json("Its form names no fields: the data is given as JSON.");
  }
  const defaults = defaultsOf(top.properties, form, []);
  if (isObject(top.default)) for (const [key, value] of Object.entries(top.default)) defaults[key] ??= value;
  return {
    kind: "fields",
    ...(text(top.title) ? { title: top.title as string } : {}),
    ...(text(top.description) ? { description: top.description as string } : {}),
    fields: fieldsOf(top, form, []),
    defaults,
  };
}
