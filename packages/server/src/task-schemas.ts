/**
 * The schemas of the task routes (`/api/tasks`): the poll a task worker
 * sends and the tasks it gets, its reports (heartbeat, complete, fail), and
 * a task as operators read it. Names follow the library's glossary (task,
 * task worker, task queue, task token, attempt).
 */
import { z } from "@hono/zod-openapi";
import { maxRetryAfterMs, queueNamePattern, taskStatuses } from "baton";
import { ErrorInfo, Json, PlainText, RunId, Time } from "./api-schemas.js";

const TaskQueue = z
  .string()
  .regex(queueNamePattern, "expected letters, digits, '.', '_', ':' or '-' (at most 128)")
  .openapi({ example: "media" });

/** Status of a task. */
export const TaskStatus = z
  .enum(taskStatuses as ["queued", "leased", "completed", "failed", "cancelled"])
  .openapi("TaskStatus");

/** `POST /api/tasks/poll`. */
export const PollBody = z
  .strictObject({
    workerId: PlainText.openapi({ description: "who polls (shown on the task)", example: "py-1" }),
    queues: z.array(TaskQueue).min(1).max(20).openapi({ description: "task queues to take tasks from" }),
    max: z.number().int().min(1).max(100).optional().openapi({ description: "most tasks to take; default 1" }),
    waitMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .optional()
      .openapi({ description: "how long to wait for a task when none is ready (a long poll); default 20000" }),
  })
  .openapi("TaskPollRequest");

/** A task a poll leased. */
export const LeasedTask = z
  .object({
    token: z.string().openapi({ description: "the lease of this attempt: pass it to heartbeat, complete or fail" }),
    id: z.string().openapi({ description: "`<run id>:<position>`, the same for every attempt (an idempotency key)" }),
    name: z.string().openapi({ description: "what to do" }),
    queue: z.string(),
    input: Json,
    runId: z.string(),
    attempt: z.number().int().min(1),
    leaseExpiresAt: Time.openapi({ description: "when the lease lapses unless heartbeats extend it" }),
    heartbeatTimeoutMs: z.number().int().optional(),
  })
  .openapi("LeasedTask");

/** The answer of a poll. */
export const PollResult = z.object({ tasks: z.array(LeasedTask) }).openapi("TaskPollResult");

/** The token in a report's path. */
export const TokenPath = z.object({
  token: z
    .string()
    .min(1)
    .max(600)
    .openapi({ param: { name: "token", in: "path" } }),
});

/** `POST /api/tasks/{token}/heartbeat`. */
export const HeartbeatBody = z
  .strictObject({ details: Json.optional().openapi({ description: "progress, kept on the task" }) })
  .openapi("TaskHeartbeatRequest");

/** The answer of a heartbeat. */
export const HeartbeatResult = z
  .object({
    leaseExpiresAt: Time,
    cancelRequested: z.boolean().openapi({ description: "the task's run was asked to cancel: stop and report" }),
  })
  .openapi("TaskHeartbeatResult");

/** `POST /api/tasks/{token}/complete`. */
export const CompleteBody = z.strictObject({ output: Json.optional() }).openapi("TaskCompleteRequest");

/** The answer of a completion. */
export const CompleteResult = z
  .object({ duplicate: z.boolean().openapi({ description: "this token had completed the task already" }) })
  .openapi("TaskCompleteResult");

/** `POST /api/tasks/{token}/fail`. */
export const FailBody = z
  .strictObject({
    error: z.strictObject({
      message: z.string(),
      name: z.string().optional(),
      code: z.string().optional(),
      stack: z.string().optional(),
    }),
    retryable: z.boolean().optional().openapi({ description: "false: no other attempt; default true" }),
    retryAfterMs: z
      .number()
      .int()
      .min(0)
      .max(maxRetryAfterMs)
      .optional()
      .openapi({ description: "wait this long before the next attempt instead of the policy's backoff" }),
  })
  .openapi("TaskFailRequest");

/** The answer of a failure. */
export const FailResult = z
  .object({
    retry: z.boolean().openapi({ description: "another attempt follows (at retryAt)" }),
    retryAt: Time.optional(),
    duplicate: z.boolean(),
  })
  .openapi("TaskFailResult");

/** One finished attempt of a task. */
const TaskAttempt = z.object({
  attempt: z.number().int(),
  workerId: z.string(),
  startedAt: Time,
  finishedAt: Time,
  error: ErrorInfo.optional(),
});

/** A task as operators read it. */
export const Task = z
  .object({
    id: z.string(),
    runId: z.string(),
    position: z.number().int(),
    name: z.string(),
    queue: z.string(),
    status: TaskStatus,
    input: Json,
    output: Json.optional(),
    error: ErrorInfo.optional(),
    attempt: z.number().int().openapi({ description: "attempts leased so far" }),
    maxAttempts: z.number().int(),
    workerId: z.string().optional(),
    availableAt: Time,
    leasedAt: Time.optional().openapi({
      description: "when a task worker leased the last attempt (the current one while leased)",
    }),
    leaseExpiresAt: Time.optional(),
    heartbeatAt: Time.optional(),
    details: Json.optional(),
    timeoutMs: z.number().int(),
    heartbeatTimeoutMs: z.number().int().optional(),
    attempts: z.array(TaskAttempt).openapi({ description: "attempts that failed or lapsed" }),
    createdAt: Time,
    updatedAt: Time,
    finishedAt: Time.optional(),
  })
  .openapi("Task");

const statusList = `(${taskStatuses.join("|")})`;

/** The query of `GET /api/tasks`. */
export const ListTasksQuery = z.object({
  queue: TaskQueue.optional(),
  status: z
    .string()
    .regex(
      new RegExp(`^${statusList}(,${statusList})*$`),
      `expected task statuses separated by commas: ${taskStatuses.join(", ")}`,
    )
    .optional()
    .openapi({ description: "only tasks in one of these statuses", example: "queued,leased" }),
  runId: RunId.optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().max(2000).optional(),
});

/** One page of tasks, oldest first. */
export const TaskPage = z.object({ tasks: z.array(Task), nextCursor: z.string().optional() }).openapi("TaskPage");

/** A task id in a path. */
export const TaskIdPath = z.object({
  id: z
    .string()
    .min(3)
    .max(220)
    .openapi({ param: { name: "id", in: "path" }, example: "order-1:3" }),
});
