/**
 * The values a person enters in a human task's form (see form-model.ts)
 * and the data they become, without React: the first values (the schema's
 * defaults), the answer's data, and where each issue of a refused answer
 * belongs.
 *
 * The form checks only what it must read (JSON text, numbers); the API
 * checks the data against the form's schema and names every issue, which
 * `placeIssues` puts next to the field it names. An empty entry is left out
 * of the data (`null` when its schema allows it), so that a required field
 * left empty is reported as missing.
 */
import type { Issue } from "../api/api-types.js";
import type { FormField, FormModel, FormOption } from "./form-model.js";

/** What a person entered in one field: text (a text, a number, JSON, a select's option index), a checkbox, the indexes of chosen options. */
export type FieldValue = string | boolean | number[];

/** The entries of a form by field key (`""` for a form given as JSON text). */
export type FormValues = Readonly<Record<string, FieldValue>>;

/** The data of an answer, or what keeps the form from reading it (issues as the API writes them). */
export type CollectedData = { ok: true; data: unknown } | { ok: false; problems: Issue[] };

const pad = (n: number) => String(n).padStart(2, "0");

/** An ISO time as the value of a `datetime-local` input, in the browser's time zone (`2026-03-01T09:30`). */
export function isoToLocalInput(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return "";
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` input's value as an ISO time (UTC), or `undefined` when it is not a time. */
export function localInputToIso(text: string): string | undefined {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const indexOf = (options: FormOption[], value: unknown) => options.findIndex((option) => sameJson(option.value, value));

/** The first entry of `field` for its default value (`undefined`: none). */
function firstValue(field: FormField, given: unknown): FieldValue {
  switch (field.kind) {
    case "checkbox":
      return given === true;
    case "choices":
      return Array.isArray(given) ? given.map((v) => indexOf(field.options, v)).filter((i) => i >= 0) : [];
    case "select": {
      const index = given === undefined ? -1 : indexOf(field.options, given);
      return index >= 0 ? String(index) : "";
    }
    case "json":
      return given === undefined ? "" : JSON.stringify(given, null, 2);
    case "number":
      return typeof given === "number" ? String(given) : "";
    case "text":
      if (typeof given !== "string") return "";
      return field.input === "datetime-local" ? isoToLocalInput(given) : given;
    case "group":
      return "";
  }
}

/** Every field of `fields`, groups' own fields included (groups before their fields). */
export function allFields(fields: readonly FormField[]): FormField[] {
  return fields.flatMap((field) => (field.kind === "group" ? [field, ...allFields(field.fields)] : [field]));
}

/** The first values of a form: each field's default, else empty (an unchecked box, no choice). */
export function initialFormValues(model: FormModel): FormValues {
  if (model.kind === "json") return { "": model.default === undefined ? "" : JSON.stringify(model.default, null, 2) };
  const values: Record<string, FieldValue> = {};
  for (const field of allFields(model.fields)) {
    if (field.kind !== "group") values[field.key] = firstValue(field, model.defaults[field.key]);
  }
  return values;
}

/** Reads JSON text: empty is nothing. */
function readJson(text: string, path: string): { value?: unknown; problem?: Issue } {
  if (text.trim() === "") return {};
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { problem: { path, message: `is not JSON (${error instanceof Error ? error.message : String(error)})` } };
  }
}

const empty = Symbol("empty");

/** The value of one field (not a group), `empty` when it is left out; what cannot be read goes to `problems`. */
function readValue(field: FormField, entry: FieldValue | undefined, problems: Issue[]): unknown {
  const blank = field.nullable ? null : empty;
  switch (field.kind) {
    case "checkbox":
      return entry === true;
    case "choices":
      return field.options.filter((_, index) => Array.isArray(entry) && entry.includes(index)).map((o) => o.value);
    case "select": {
      const option = typeof entry === "string" && entry !== "" ? field.options[Number(entry)] : undefined;
      return option ? option.value : blank;
    }
    case "number": {
      const text = typeof entry === "string" ? entry.trim() : "";
      if (text === "") return blank;
      const value = Number(text);
      if (Number.isNaN(value)) problems.push({ path: field.key, message: "is not a number" });
      return value;
    }
    case "text": {
      const text = typeof entry === "string" ? entry : "";
      if (text === "") return blank;
      if (field.input !== "datetime-local") return text;
      const iso = localInputToIso(text);
      if (iso === undefined) problems.push({ path: field.key, message: "is not a date and time" });
      return iso;
    }
    case "json": {
      const read = readJson(typeof entry === "string" ? entry : "", field.key);
      if (read.problem) problems.push(read.problem);
      return "value" in read ? read.value : empty;
    }
    case "group":
      return empty;
  }
}

/** The object of `fields`' values; `empty` when none is given and the object is not required. */
function readObject(fields: readonly FormField[], values: FormValues, problems: Issue[], required: boolean): unknown {
  const object: Record<string, unknown> = {};
  for (const field of fields) {
    const value =
      field.kind === "group"
        ? readObject(field.fields, values, problems, field.required)
        : readValue(field, values[field.key], problems);
    if (value !== empty) object[field.path[field.path.length - 1] as string] = value;
  }
  return Object.keys(object).length === 0 && !required ? empty : object;
}

/**
 * The data of an answer from what a person entered: an object of the
 * fields' values, or the JSON text read; problems when a number or JSON
 * text cannot be read.
 */
export function collectFormData(model: FormModel, values: FormValues): CollectedData {
  const problems: Issue[] = [];
  if (model.kind === "json") {
    const read = readJson(typeof values[""] === "string" ? values[""] : "", "");
    return read.problem ? { ok: false, problems: [read.problem] } : { ok: true, data: read.value };
  }
  const data = readObject(model.fields, values, problems, true);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, data };
}

/** An issue's path as segments: `a.b[0]` is `["a", "b", "0"]`; the empty path has none. */
export function parseIssuePath(path: string): string[] {
  return [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((match) => (match[1] ?? match[2]) as string);
}

/** Issues by the field they belong to, and those of no field (the data as a whole, or a field the form lacks). */
export interface PlacedIssues {
  byField: ReadonlyMap<string, string[]>;
  general: Issue[];
}

/**
 * Puts each issue next to the field it names: the field whose path is the
 * longest start of the issue's (`tags[1]` belongs to `tags`, `a.b` to the
 * field `a.b`, or to the group `a` when it has no such field).
 */
export function placeIssues(model: FormModel, issues: readonly Issue[]): PlacedIssues {
  const byField = new Map<string, string[]>();
  const general: Issue[] = [];
  const fields = model.kind === "fields" ? allFields(model.fields) : [];
  for (const issue of issues) {
    const segments = parseIssuePath(issue.path);
    let best: FormField | undefined;
    for (const field of fields) {
      const fits = field.path.length <= segments.length && field.path.every((name, i) => segments[i] === name);
      if (fits && field.path.length > (best?.path.length ?? 0)) best = field;
    }
    if (!best) general.push(issue);
    else byField.set(best.key, [...(byField.get(best.key) ?? []), issue.message]);
  }
  return { byField, general };
}
