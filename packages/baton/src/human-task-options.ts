/**
 * The options of a human task call, checked and resolved once when the
 * workflow makes the call.
 */
import { toMilliseconds } from "./duration.js";
import { BatonError } from "./errors.js";
import type { HumanTaskOptions } from "./human-task-types.js";
import { roundTrip } from "./json.js";
import { isStorableText } from "./names.js";

/** What a human task's timeout does, resolved. */
export type ResolvedEscalation =
  | { kind: "return" }
  | { kind: "fail" }
  | { kind: "reassign"; assignee?: string; role?: string; timeoutMs?: number; then: "return" | "fail" };

/** A human task's options with durations in milliseconds, checked. */
export interface ResolvedHumanTask {
  title: string;
  description?: string;
  form?: Record<string, unknown>;
  context?: unknown;
  assignee?: string;
  role?: string;
  timeoutMs?: number;
  reminderMs?: number;
  onTimeout: ResolvedEscalation;
}

/** The error of a bad option: `invalid <what> of human task "<name>": <why>`. */
const fail = (name: string, what: string, why?: string) =>
  new BatonError("INVALID_HUMAN_TASK", `invalid ${what} of human task "${name}"${why ? `: ${why}` : ""}`);

/** A control character (none is kept in a store's text columns, NUL above all). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
export const controlCharacter = /[\x00-\x1f\x7f-\x9f]/;

/** A person's identity or a role: 1 to 200 characters, no control characters. */
function checkWho(name: string, field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== "string" ||
    value.length === 0 ||
    value.length > 200 ||
    controlCharacter.test(value) ||
    !isStorableText(value)
  ) {
    throw fail(name, `${field} ${JSON.stringify(value)}`, `expected 1 to 200 characters, no control characters`);
  }
  return value;
}

/**
 * Checks and resolves the options of `ctx.humanTask(name, options)`.
 * @throws BatonError `INVALID_HUMAN_TASK` naming the field, `INVALID_DURATION`, `NOT_SERIALIZABLE`.
 */
export function resolveHumanTaskOptions(name: string, options: HumanTaskOptions): ResolvedHumanTask {
  if (typeof options !== "object" || options === null) throw fail(name, "options", "expected an object");
  const { title, description, form } = options;
  if (!isStorableText(name)) throw fail(name, "name", "expected no NUL character nor lone surrogate");
  if (
    typeof title !== "string" ||
    title.length === 0 ||
    title.length > 200 ||
    controlCharacter.test(title) ||
    !isStorableText(title)
  ) {
    throw fail(name, `title ${JSON.stringify(title)}`, `expected 1 to 200 characters, no control characters`);
  }
  const resolved: ResolvedHumanTask = { title, onTimeout: { kind: "return" } };
  if (description !== undefined) {
    if (typeof description !== "string" || description.length > 10_000 || !isStorableText(description)) {
      throw fail(name, "description", "expected text of at most 10,000 characters, without NUL nor lone surrogate");
    }
    resolved.description = description;
  }
  if (form !== undefined) {
    if (typeof form !== "object" || form === null || Array.isArray(form)) {
      throw fail(name, "form", "expected a JSON Schema object");
    }
    resolved.form = roundTrip(form, `form of human task "${name}"`);
  }
  if (options.context !== undefined) resolved.context = roundTrip(options.context, `context of human task "${name}"`);
  const assignee = checkWho(name, "assignee", options.assignee);
  const role = checkWho(name, "role", options.role);
  if (assignee !== undefined) resolved.assignee = assignee;
  if (role !== undefined) resolved.role = role;
  if (options.timeout !== undefined) resolved.timeoutMs = toMilliseconds(options.timeout);
  if (options.reminder !== undefined) resolved.reminderMs = toMilliseconds(options.reminder);
  const escalation = options.onTimeout ?? "return";
  if (escalation === "return" || escalation === "fail") resolved.onTimeout = { kind: escalation };
  else if (typeof escalation === "object" && escalation !== null && typeof escalation.reassign === "object") {
    const to = escalation.reassign;
    const then = to.then ?? "return";
    if (then !== "return" && then !== "fail") throw fail(name, `onTimeout.reassign.then ${JSON.stringify(then)}`);
    const reassigned: ResolvedEscalation = { kind: "reassign", then };
    const toAssignee = checkWho(name, "onTimeout.reassign.assignee", to.assignee);
    const toRole = checkWho(name, "onTimeout.reassign.role", to.role);
    if (toAssignee !== undefined) reassigned.assignee = toAssignee;
    if (toRole !== undefined) reassigned.role = toRole;
    if (to.timeout !== undefined) reassigned.timeoutMs = toMilliseconds(to.timeout);
    resolved.onTimeout = reassigned;
  } else {
    throw fail(name, `onTimeout ${JSON.stringify(escalation)}`, `expected "return", "fail" or { reassign }`);
  }
  if (resolved.onTimeout.kind !== "return" && resolved.timeoutMs === undefined) {
    throw fail(name, "onTimeout", "it needs a timeout");
  }
  return resolved;
}
