/**
 * The `human_tasks` table shared by every backend: its row and the record
 * it maps to.
 */
import { BatonError } from "../errors.js";
import { decodeJson, encodeJson } from "../json.js";
import type { HumanTaskStatus } from "../types.js";
import type { HumanTaskRecord, NewHumanTaskRecord } from "./human-task-records.js";

/** A `human_tasks` row. Integer columns may arrive as strings (PostgreSQL bigint). */
export interface HumanTaskRow {
  run_id: string;
  workflow: string;
  position: number | string;
  name: string;
  title: string;
  description: string | null;
  form: string | null;
  context: string | null;
  assignee: string | null;
  role: string | null;
  status: string;
  due_at: number | string | null;
  remind_at: number | string | null;
  reassigned: number | boolean;
  data: string | null;
  comment: string | null;
  completed_by: string | null;
  completed_at: number | string | null;
  recorded: number | boolean;
  created_at: number | string;
  updated_at: number | string;
}

/** The columns of a `human_tasks` row. */
export const humanTaskColumns =
  "run_id, workflow, position, name, title, description, form, context, assignee, role, status, due_at, remind_at, " +
  "reassigned, data, comment, completed_by, completed_at, recorded, created_at, updated_at";

/** Maps a `human_tasks` row to a record. */
export function toHumanTaskRecord(row: HumanTaskRow): HumanTaskRecord {
  const record: HumanTaskRecord = {
    runId: row.run_id,
    workflow: row.workflow,
    position: Number(row.position),
    name: row.name,
    title: row.title,
    status: row.status as HumanTaskStatus,
    reassigned: Boolean(row.reassigned),
    recorded: Boolean(row.recorded),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
  if (row.description !== null) record.description = row.description;
  if (row.form !== null) record.form = decodeJson(row.form) as Record<string, unknown>;
  if (row.context !== null) record.context = decodeJson(row.context);
  if (row.assignee !== null) record.assignee = row.assignee;
  if (row.role !== null) record.role = row.role;
  if (row.due_at !== null) record.dueAt = Number(row.due_at);
  if (row.remind_at !== null) record.remindAt = Number(row.remind_at);
  if (row.data !== null) record.data = decodeJson(row.data);
  if (row.comment !== null) record.comment = row.comment;
  if (row.completed_by !== null) record.completedBy = row.completed_by;
  if (row.completed_at !== null) record.completedAt = Number(row.completed_at);
  return record;
}

/** The values of a new human task's row, by column (JSON as text). */
export function newHumanTaskValues(runId: string, task: NewHumanTaskRecord, now: number) {
  return {
    run_id: runId,
    position: task.position,
    name: task.name,
    title: task.title,
    description: task.description ?? null,
    form: encodeJson(task.form, `form of human task "${task.name}"`) ?? null,
    context: encodeJson(task.context, `context of human task "${task.name}"`) ?? null,
    assignee: task.assignee ?? null,
    role: task.role ?? null,
    due_at: task.dueAt ?? null,
    remind_at: task.remindAt ?? null,
    now,
  };
}

/** The error of an answer to no human task. */
export function humanTaskNotFound(runId: string, position: number): BatonError {
  return new BatonError("HUMAN_TASK_NOT_FOUND", `no human task "${runId}:${position}"`);
}

/** The error of an answer to a human task that is no longer open. */
export function humanTaskClosed(task: HumanTaskRecord): BatonError {
  const by = task.completedBy ? ` by ${task.completedBy}` : "";
  return new BatonError(
    "HUMAN_TASK_CLOSED",
    `human task "${task.runId}:${task.position}" is ${task.status.replace("_", " ")}${by}: it takes no answer`,
  );
}
