/**
 * The records the human task verbs of the store take and answer (times in
 * epoch milliseconds). Never public: the engine maps them to `HumanTask`.
 */
import type { HumanTaskStatus } from "../types.js";

/** A human task to register, written by the run's write that records its `human_task.created`. */
export interface NewHumanTaskRecord {
  position: number;
  name: string;
  title: string;
  description?: string;
  form?: Record<string, unknown>;
  context?: unknown;
  assignee?: string;
  role?: string;
  dueAt?: number;
  remindAt?: number;
}

/** A human task as the store keeps it. */
export interface HumanTaskRecord extends NewHumanTaskRecord {
  runId: string;
  workflow: string;
  status: HumanTaskStatus;
  reassigned: boolean;
  data?: unknown;
  comment?: string;
  completedBy?: string;
  completedAt?: number;
  /** Its outcome is in its run's history. */
  recorded: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A new assignee, role and timeout of an open human task (its timeout reassigned it). */
export interface HumanTaskReassignment {
  position: number;
  assignee?: string;
  role?: string;
  dueAt?: number;
}

/** A person's answer, as `Store.answerHumanTask` writes it. */
export interface HumanTaskAnswerRecord {
  outcome: "completed" | "rejected";
  data?: unknown;
  comment?: string;
  by: string;
}

/** The filter of `Store.listHumanTasks`. */
export interface HumanTaskListFilter {
  status?: HumanTaskStatus[];
  assignee?: string;
  role?: string;
  runId?: string;
  limit: number;
  /** Created after this human task (from the previous page). */
  after?: { createdAt: number; runId: string; position: number };
}
