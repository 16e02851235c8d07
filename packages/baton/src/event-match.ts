/**
 * The rule deciding which events reach a wait: an event matches `match` when
 * its payload is an object and holds every field of `match` with exactly the
 * same JSON primitive value; a wait without `match` takes any event of its name.
 * Every backend applies this one rule: SQLite through `matchesEvent`,
 * PostgreSQL through jsonb containment of `match` in `matchableFields(payload)`:
 * only the primitive top-level fields, so containment means field-by-field
 * equality, and without the text jsonb cannot hold: NUL characters and lone
 * surrogates (a match may not use them, so no field that has one could be
 * equal anyway).
 */
import { BatonError } from "./errors.js";
import type { EventMatch } from "./types.js";

const isPrimitive = (value: unknown): value is string | number | boolean | null =>
  value === null || typeof value === "string" || typeof value === "boolean" || typeof value === "number";

/** Text PostgreSQL's jsonb cannot hold (a NUL character, half of a surrogate pair); a match may not use it. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this looks for
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Checks the `match` of a wait for event `name` and returns a copy of it.
 * @throws BatonError `INVALID_MATCH` naming the offending field and value.
 */
export function checkEventMatch(name: string, match: unknown): EventMatch {
  const what = `match of event "${name}"`;
  if (typeof match !== "object" || match === null || Array.isArray(match)) {
    throw new BatonError(
      "INVALID_MATCH",
      `invalid ${what}: expected an object of fields to values, got ${describe(match)}`,
    );
  }
  const copy: EventMatch = {};
  for (const [field, value] of Object.entries(match)) {
    if (unstorable.test(field)) {
      throw new BatonError(
        "INVALID_MATCH",
        `invalid ${what}: field ${JSON.stringify(field)} contains a NUL character or a lone surrogate`,
      );
    }
    if (!isPrimitive(value) || (typeof value === "number" && !Number.isFinite(value))) {
      throw new BatonError(
        "INVALID_MATCH",
        `invalid ${what}: field "${field}" must be a string, a finite number, a boolean or null, got ${describe(value)}`,
      );
    }
    if (typeof value === "string" && unstorable.test(value)) {
      throw new BatonError(
        "INVALID_MATCH",
        `invalid ${what}: the value of field "${field}" contains a NUL character or a lone surrogate`,
      );
    }
    copy[field] = value;
  }
  return copy;
}

/** True when an event with `payload` reaches a wait with `match` (see the rule above). */
export function matchesEvent(match: EventMatch | undefined, payload: unknown): boolean {
  if (match === undefined) return true;
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return false;
  return Object.entries(match).every(
    ([field, value]) => Object.hasOwn(payload, field) && (payload as Record<string, unknown>)[field] === value,
  );
}

/**
 * The top-level primitive fields of an object payload (those a match can
 * name), or `null` for any other payload: `match` is contained in it exactly
 * when `matchesEvent(match, payload)`.
 */
export function matchableFields(payload: unknown): EventMatch | null {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return null;
  const fields: EventMatch = {};
  for (const [field, value] of Object.entries(payload)) {
    if (!isPrimitive(value) || unstorable.test(field) || (typeof value === "string" && unstorable.test(value)))
      continue;
    fields[field] = value;
  }
  return fields;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return String(value);
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value);
  return `a ${typeof value}`;
}
