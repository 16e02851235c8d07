/**
 * Public types of human tasks (re-exported by types.ts, whose glossary
 * defines **human task**).
 *
 * A human task's life: `open` (in the inbox of its assignee or role, until a
 * person completes or rejects it, or its timeout passes) -> `completed` or
 * `rejected` (a person answered), `timed_out` (no answer in time: the call
 * returns `undefined` or fails), or `cancelled` (its run finished first). A
 * timeout that escalates by reassigning keeps the task open for its new
 * assignee or role, with a new timeout.
 */
import type { Duration } from "./duration.js";

/** Status of a human task. */
export type HumanTaskStatus = "open" | "completed" | "rejected" | "timed_out" | "cancelled";

/** Every human task status. */
export const humanTaskStatuses: readonly HumanTaskStatus[] = [
  "open",
  "completed",
  "rejected",
  "timed_out",
  "cancelled",
];

/** What a human task's timeout does: return `undefined` (default), fail the call, or reassign it once. */
export type HumanTaskEscalation =
  | "return"
  | "fail"
  | {
      /** Gives the task to someone else, with a new timeout (default: the first one). */
      reassign: { assignee?: string; role?: string; timeout?: Duration; then?: "return" | "fail" };
    };

/** Options of `ctx.humanTask`. */
export interface HumanTaskOptions {
  /** What the person sees first: 1 to 200 characters. */
  title: string;
  /** More words for the person (plain text). */
  description?: string;
  /**
   * JSON Schema (draft-07 or 2020-12) of the data the person gives: the
   * dashboard draws a form from it, and a completion whose data fails it is
   * refused with every issue. Default: none (any JSON, or nothing).
   */
  form?: Record<string, unknown>;
  /** Who should do it (a person's identity, as their token names them). */
  assignee?: string;
  /** Or which group of people (any person of that role may pick it up). */
  role?: string;
  /** What the person needs to decide (shown with the form), JSON. */
  context?: unknown;
  /** How long the task waits for a person. Default: forever. */
  timeout?: Duration;
  /** After this long without an answer, the task is marked for a reminder (`human_task.reminded`). */
  reminder?: Duration;
  /** What its timeout does. Default `"return"`. */
  onTimeout?: HumanTaskEscalation;
}

/** What a person answered (`ctx.humanTask` resolves with it; `undefined` on a timeout that returns). */
export interface HumanTaskResult<T = unknown> {
  outcome: "completed" | "rejected";
  /** The form's data (checked against the form), when the person completed it. */
  data?: T;
  comment?: string;
  /** Who answered: the identity of their token. */
  completedBy: string;
  /** When, as an ISO 8601 time (the result is recorded as JSON, and replayed as it was recorded). */
  completedAt: string;
}

/** A human task as stored (`engine.humanTasks.list`, `get`). */
export interface HumanTask {
  /** `<run id>:<position>`. */
  id: string;
  runId: string;
  workflow: string;
  position: number;
  name: string;
  title: string;
  description?: string;
  form?: Record<string, unknown>;
  context?: unknown;
  assignee?: string;
  role?: string;
  status: HumanTaskStatus;
  /** When it times out, while open. */
  dueAt?: Date;
  /** When it is marked for a reminder. */
  remindAt?: Date;
  /** True once reassigned by its timeout. */
  reassigned: boolean;
  data?: unknown;
  comment?: string;
  completedBy?: string;
  completedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** Filter and page of `engine.humanTasks.list`. */
export interface HumanTaskFilter {
  /** Default `open`. */
  status?: HumanTaskStatus | HumanTaskStatus[];
  assignee?: string;
  role?: string;
  runId?: string;
  /** Page size, 1 to 1000. Default 50. */
  limit?: number;
  cursor?: string;
}

/** One page of human tasks, oldest first. */
export interface HumanTaskPage {
  humanTasks: HumanTask[];
  nextCursor?: string;
}

/** A person's answer (`engine.humanTasks.complete` and `reject`). */
export interface HumanTaskAnswer {
  /** Who answers: their identity (the HTTP API takes it from the caller's token). */
  by: string;
  /** The form's data (complete only). */
  data?: unknown;
  comment?: string;
}
