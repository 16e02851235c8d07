/**
 * The JSON of the human task routes (`/api/human-tasks`), as TypeScript
 * types for clients; re-exported by wire-types.ts. Times are ISO 8601
 * strings in UTC. Types only: a browser build can load it.
 */

/** Status of a human task. */
export type HumanTaskStatus = "open" | "completed" | "rejected" | "timed_out" | "cancelled";

/** A human task (`GET /api/human-tasks/{id}`). */
export interface HumanTask {
  /** `<run id>:<position>`. */
  id: string;
  runId: string;
  workflow: string;
  position: number;
  name: string;
  title: string;
  description?: string;
  /** JSON Schema of the data a completion gives. */
  form?: Record<string, unknown>;
  /** What the person needs to decide. */
  context?: unknown;
  assignee?: string;
  role?: string;
  status: HumanTaskStatus;
  dueAt?: string;
  remindAt?: string;
  reassigned: boolean;
  data?: unknown;
  comment?: string;
  completedBy?: string;
  completedAt?: string;
  createdAt: string;
  updatedAt: string;
}

/** One page of human tasks, oldest first (`GET /api/human-tasks`). */
export interface HumanTaskPage {
  humanTasks: HumanTask[];
  nextCursor?: string;
}

/** `POST /api/human-tasks/{id}/complete`. */
export interface HumanTaskCompleteRequest {
  data?: unknown;
  comment?: string;
}

/** `POST /api/human-tasks/{id}/reject`. */
export interface HumanTaskRejectRequest {
  comment?: string;
}
