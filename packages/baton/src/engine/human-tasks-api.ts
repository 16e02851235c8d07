/**
 * `engine.humanTasks`: the inbox of human tasks across the whole store, and
 * a person's answer (complete with the form's data, checked against the
 * form's JSON Schema, or reject). The HTTP API's `/api/human-tasks` routes
 * call these with the identity of the caller's token.
 */
import type { Clock } from "../clock.js";
import { BatonError, ValidationError } from "../errors.js";
import { controlCharacter } from "../human-task-options.js";
import { roundTrip } from "../json.js";
import { isStorableText } from "../names.js";
import { checkJsonSchema } from "../schema-check.js";
import type { HumanTaskRecord, Store } from "../store/store.js";
import {
  type HumanTask,
  type HumanTaskAnswer,
  type HumanTaskFilter,
  type HumanTaskPage,
  type HumanTaskStatus,
  humanTaskStatuses,
} from "../types.js";
import { checkLimit, checkStatuses, readCreationCursor, writeCreationCursor } from "./creation-cursor.js";
import { parseTaskId, taskId } from "./task-tokens.js";

/** The human task operations of an engine (`engine.humanTasks`). */
export interface EngineHumanTasks {
  /**
   * Human tasks, oldest first: the open ones unless `status` says otherwise,
   * of an assignee, a role or a run.
   * @example
   * const { humanTasks } = await engine.humanTasks.list({ role: "finance" });
   * @throws BatonError `INVALID_LIMIT`, `INVALID_CURSOR`, `INVALID_STATUS`.
   */
  list(filter?: HumanTaskFilter): Promise<HumanTaskPage>;
  /** A human task by id (`<run id>:<position>`), or undefined. @throws BatonError `INVALID_TASK_ID`. */
  get(id: string): Promise<HumanTask | undefined>;
  /**
   * Completes an open human task with the form's data: its run goes on with
   * the answer (`completedBy` is `answer.by`).
   * @throws ValidationError `INVALID_INPUT` with every issue of the data against the form;
   *   BatonError `HUMAN_TASK_NOT_FOUND`, `HUMAN_TASK_CLOSED`, `INVALID_ANSWER`, `INVALID_FORM`.
   */
  complete(id: string, answer: HumanTaskAnswer): Promise<HumanTask>;
  /** Rejects an open human task (no data): its run goes on with `outcome: "rejected"`. Errors as `complete`. */
  reject(id: string, answer: Omit<HumanTaskAnswer, "data">): Promise<HumanTask>;
}

/** A stored human task as the public `HumanTask`. */
export function toHumanTask(task: HumanTaskRecord): HumanTask {
  const out: HumanTask = {
    id: taskId(task.runId, task.position),
    runId: task.runId,
    workflow: task.workflow,
    position: task.position,
    name: task.name,
    title: task.title,
    status: task.status,
    reassigned: task.reassigned,
    createdAt: new Date(task.createdAt),
    updatedAt: new Date(task.updatedAt),
  };
  for (const key of ["description", "form", "context", "assignee", "role", "data", "comment", "completedBy"] as const) {
    if (task[key] !== undefined) (out as unknown as Record<string, unknown>)[key] = task[key];
  }
  if (task.dueAt !== undefined && task.status === "open") out.dueAt = new Date(task.dueAt);
  if (task.remindAt !== undefined && task.status === "open") out.remindAt = new Date(task.remindAt);
  if (task.completedAt !== undefined) out.completedAt = new Date(task.completedAt);
  return out;
}

/** Checks who answers and their comment. */
function checkAnswer(answer: Omit<HumanTaskAnswer, "data">): void {
  if (
    typeof answer?.by !== "string" ||
    answer.by.length === 0 ||
    answer.by.length > 200 ||
    controlCharacter.test(answer.by) ||
    !isStorableText(answer.by)
  ) {
    throw new BatonError(
      "INVALID_ANSWER",
      `invalid by ${JSON.stringify(answer?.by)}: expected who answers, 1 to 200 characters`,
    );
  }
  const { comment } = answer;
  if (comment !== undefined && (typeof comment !== "string" || comment.length > 10_000 || !isStorableText(comment))) {
    throw new BatonError("INVALID_ANSWER", "invalid comment: expected text of at most 10,000 characters, without NUL");
  }
}

/** Builds `engine.humanTasks`. */
export function createHumanTasksApi({
  store,
  clock,
  runChanged,
}: {
  store: Store;
  clock: Clock;
  /** A human task of run `runId` was answered (its run was poked): this process's worker looks at once. */
  runChanged(runId: string): void;
}): EngineHumanTasks {
  const answer = async (id: string, outcome: "completed" | "rejected", given: HumanTaskAnswer) => {
    const { runId, position } = parseTaskId(id);
    checkAnswer(given);
    const task = await store.getHumanTask(runId, position);
    if (!task) throw new BatonError("HUMAN_TASK_NOT_FOUND", `no human task "${id}"`);
    let data: unknown;
    if (outcome === "completed") {
      data = given.data === undefined ? undefined : roundTrip(given.data, `data of human task "${id}"`);
      if (task.form) {
        const issues = await checkJsonSchema(task.form, data);
        if (issues === undefined) {
          throw new BatonError(
            "INVALID_FORM",
            `the form of human task "${id}" is not a JSON Schema this engine can check`,
          );
        }
        if (issues.length > 0) throw new ValidationError(`data of human task "${id}" (its form refuses it)`, issues);
      }
    }
    const stored = await store.answerHumanTask(
      runId,
      position,
      {
        outcome,
        by: given.by,
        ...(data === undefined ? {} : { data }),
        ...(given.comment ? { comment: given.comment } : {}),
      },
      clock.now(),
    );
    runChanged(runId);
    return toHumanTask(stored);
  };

  return {
    async list(filter = {}) {
      const limit = checkLimit(filter.limit ?? 50);
      const statuses: HumanTaskStatus[] =
        filter.status === undefined ? ["open"] : checkStatuses(filter.status, humanTaskStatuses, "human task");
      const after = filter.cursor === undefined ? undefined : readCreationCursor(filter.cursor);
      const rows = await store.listHumanTasks({
        limit: limit + 1,
        status: statuses,
        ...(filter.assignee === undefined ? {} : { assignee: filter.assignee }),
        ...(filter.role === undefined ? {} : { role: filter.role }),
        ...(filter.runId === undefined ? {} : { runId: filter.runId }),
        ...(after ? { after } : {}),
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        humanTasks: page.map(toHumanTask),
        ...(rows.length > limit && last ? { nextCursor: writeCreationCursor(last) } : {}),
      };
    },

    async get(id) {
      const { runId, position } = parseTaskId(id);
      const task = await store.getHumanTask(runId, position);
      return task ? toHumanTask(task) : undefined;
    },

    complete: (id, given) => answer(id, "completed", given),
    reject: (id, given) => answer(id, "rejected", given),
  };
}
