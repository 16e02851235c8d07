/**
 * The schemas of the HTTP API: they validate requests and generate the
 * OpenAPI document, so the two cannot disagree. Names follow the glossary
 * of the library (run, step, attempt, signal, event, history).
 */
import { z } from "@hono/zod-openapi";
import {
  eventIdPattern,
  flowKeyMaxLength,
  queueNamePattern,
  runIdPattern,
  runStatuses,
  type RunStatus as Status,
  workflowNamePattern,
} from "baton";
import { DateTimeParam, integerParam } from "./query-params.js";

/** A run id: 1 to 200 printable ASCII characters without spaces (the library's rule). */
export const RunId = z
  .string()
  .regex(runIdPattern, "expected 1 to 200 printable ASCII characters without spaces")
  .openapi({ example: "order-A-1001" });

/** A workflow name (the library's rule). */
export const WorkflowName = z
  .string()
  .regex(workflowNamePattern, "expected letters, digits, '.', '_', ':' or '-' (at most 128)")
  .openapi({ example: "order" });

/**
 * The pattern of signal and event names: 1 to 200 characters (code points),
 * none of them a control character (U+0000 to U+001F, U+007F to U+009F).
 * Written with `\x` escapes only, so every JSON Schema validator reads it alike.
 */
export const messageNamePattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,200}$";
const messageNameRegex = new RegExp(messageNamePattern, "u");

/** A signal or event name: 1 to 200 characters, no control characters. */
export const MessageName = z
  .string()
  .refine((name) => messageNameRegex.test(name), "expected 1 to 200 characters without control characters")
  .openapi({ pattern: messageNamePattern, example: "approve" });

/**
 * The library's duration syntax: one or more `<number><unit>` parts (units
 * `ms`, `s`, `m`, `h`, `d`, `w`), spaces allowed between and around them.
 */
export const durationPattern = "^ *[0-9]+(\\.[0-9]+)? *(ms|s|m|h|d|w)( *[0-9]+(\\.[0-9]+)? *(ms|s|m|h|d|w))* *$";

/** A duration: milliseconds (a whole number up to 2^53 - 1, as every integer the API reads), or a string such as "30s", "5m", "1h30m", "3d" (the library has the last word). */
export const Duration = z
  .union([
    z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    z.string().max(50).regex(new RegExp(durationPattern), 'expected a duration such as "500ms", "30s", "1h30m", "3d"'),
  ])
  .openapi({ example: "1h" });

/** A queue name (`names.ts`). */
export const QueueName = z.string().regex(queueNamePattern).openapi({ example: "emails" });

/** Any JSON value. */
export const Json = z.unknown().openapi({ description: "any JSON value" });

/** A point in time, as the server writes it (ISO 8601 in UTC with milliseconds). */
export const Time = z.string().openapi({ format: "date-time", example: "2026-11-29T10:00:00.000Z" });

/** Run statuses. */
export const RunStatus = z.enum(runStatuses as [Status, ...Status[]]).openapi("RunStatus");

/** An error as recorded in a run's history; its `cause` is an error of the same shape, to any depth. */
export const ErrorInfo = z
  .object({
    name: z.string(),
    message: z.string(),
    stack: z.string().optional(),
    code: z.string().optional(),
    get cause(): z.ZodOptional<typeof ErrorInfo> {
      return ErrorInfo.optional();
    },
  })
  .openapi("ErrorInfo");

/** A run without its steps. */
export const RunSummary = z
  .object({
    id: z.string(),
    workflow: z.string(),
    version: z.string(),
    status: RunStatus,
    parentId: z.string().optional(),
    createdAt: Time,
    updatedAt: Time,
    finishedAt: Time.optional(),
    queue: z.string().openapi({ description: "Queue of the run: `default` unless it joined a named one" }),
    concurrencyKey: z.string().optional(),
    priority: z.number().int().openapi({ description: "Higher first among the runnable runs of its queue" }),
    startedAt: Time.optional().openapi({ description: "When a worker first took the run" }),
    startAt: Time.optional().openapi({ description: "A pending run starts no earlier than this" }),
    scheduleId: z.string().optional().openapi({ description: "the schedule that started the run" }),
    scheduledAt: Time.optional().openapi({ description: "the fire time the run is for" }),
  })
  .openapi("RunSummary");

/** One attempt of a step or of a compensation. */
export const Attempt = z
  .object({
    attempt: z.number().int(),
    startedAt: Time.optional(),
    finishedAt: Time.optional(),
    status: z.enum(["running", "completed", "failed"]),
    error: ErrorInfo.optional(),
    retryAt: Time.optional(),
  })
  .openapi("Attempt");

/** What a run did at one position. */
export const Step = z
  .object({
    position: z.number().int(),
    kind: z.enum(["step", "timer", "signal", "child", "event", "task", "human_task"]),
    name: z.string(),
    status: z.enum(["running", "waiting", "completed", "failed"]),
    startedAt: Time,
    finishedAt: Time.optional(),
    output: Json.optional(),
    error: ErrorInfo.optional(),
    attempts: z.array(Attempt),
    dueAt: Time.optional(),
    childId: z.string().optional(),
    queue: z.string().optional().openapi({ description: "task queue, for a task" }),
    compensation: z
      .object({ status: z.enum(["running", "completed", "failed"]), attempts: z.array(Attempt) })
      .optional(),
  })
  .openapi("Call");

/** A signal sent to a run and not yet received by it. */
export const PendingSignal = z.object({ name: z.string(), payload: Json, sentAt: Time });

/** A run with everything known about it. */
export const Run = RunSummary.extend({
  input: Json,
  output: Json.optional(),
  error: ErrorInfo.optional(),
  steps: z.array(Step),
  children: z.array(RunSummary).openapi({ description: "The children, oldest first: all, or the 1,000 created last" }),
  childCount: z.number().int().openapi({ description: "How many children; GET /api/runs?parentId= pages them all" }),
  pendingSignals: z.array(PendingSignal),
  cancelRequested: z.boolean(),
}).openapi("Run");

/** The body of every error answer. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "RUN_NOT_FOUND" }),
      message: z.string().openapi({ example: 'run "order-A-1001" not found' }),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi("Error");

/** Body of `POST /api/runs`. */
export const StartRunBody = z
  .object({
    workflow: WorkflowName,
    input: Json.optional(),
    id: RunId.optional(),
    version: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "the version of the workflow to start; default: the newest" }),
    timeout: Duration.optional(),
    queue: QueueName.optional().openapi({ description: "queue of the run; default: the workflow's, else `default`" }),
    concurrencyKey: z
      .string()
      .min(1)
      .max(flowKeyMaxLength)
      .optional()
      .openapi({ description: "key of the queue's per-key limits, such as a customer id" }),
    priority: z
      .number()
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .optional()
      .openapi({ description: "higher first among the runnable runs of the queue; default 0" }),
    startAt: DateTimeParam.optional().openapi({ description: "start no earlier than this time (not with `delay`)" }),
    delay: Duration.optional().openapi({
      description: "start no earlier than this long from now (not with `startAt`)",
    }),
    debounce: z
      .object({ key: z.string().min(1).max(flowKeyMaxLength), period: Duration })
      .optional()
      .openapi({
        description:
          "start one run after `period` without another start of `key`, with the latest input (not with `id`, `startAt`, `delay`)",
      }),
  })
  .openapi("StartRun");

/** Query of `GET /api/runs`. */
export const ListRunsQuery = z.object({
  workflow: WorkflowName.optional(),
  status: z
    .string()
    .regex(
      new RegExp(`^(${runStatuses.join("|")})(,(${runStatuses.join("|")}))*$`),
      `expected statuses separated by commas: ${runStatuses.join(", ")}`,
    )
    .optional()
    .openapi({ example: "failed,waiting" }),
  parentId: RunId.optional(),
  queue: QueueName.optional().openapi({
    description: "only runs of this queue (`default`: the runs of no named queue)",
  }),
  scheduleId: z
    .string()
    .regex(workflowNamePattern, "expected a schedule id: letters, digits, '.', '_', ':' or '-' (at most 128)")
    .optional()
    .openapi({ description: "only runs of this schedule" }),
  idContains: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: "only runs whose id contains this text (case-insensitive)" }),
  createdAfter: DateTimeParam.optional(),
  createdBefore: DateTimeParam.optional(),
  limit: integerParam(1, 1000).optional(),
  cursor: z.string().max(1000).optional(),
});

/** A name for people (a task worker's id, an assignee, a role): 1 to 200 characters, no control characters. */
export const PlainText = z
  .string()
  .regex(new RegExp(messageNamePattern, "u"), "expected 1 to 200 characters, no control characters")
  .openapi({ pattern: messageNamePattern });

/** Path of the routes of one run. */
export const RunPath = z.object({ id: RunId.openapi({ param: { name: "id", in: "path" } }) });

/** Body of `POST /api/runs/{id}/signals`. */
export const SignalBody = z.object({ name: MessageName, payload: Json.optional() }).openapi("Signal");

/** Body of `POST /api/runs/{id}/fork`. */
export const ForkBody = z
  .object({
    fromStep: z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(200)]),
    id: RunId.optional(),
  })
  .openapi("Fork");

/** An event id: 1 to 64 printable ASCII characters without spaces (runs it starts are named `<event id>:<workflow>`). */
export const EventId = z
  .string()
  .regex(eventIdPattern, "expected 1 to 64 printable ASCII characters without spaces")
  .openapi({ example: "payment-7f3a" });

/** Body of `POST /api/events`. */
export const EventBody = z
  .object({ name: MessageName, payload: Json.optional(), id: EventId.optional() })
  .openapi("Event");

/** Answer of `POST /api/events`. */
export const EventReceipt = z
  .object({
    id: z.string(),
    created: z.boolean(),
    started: z.array(z.string()),
    delivered: z.array(z.string()),
    rejected: z.array(z.object({ workflow: z.string(), message: z.string() })).optional(),
    reason: z.string().optional().openapi({
      description:
        "Why the event started no run (sent now): no workflow is subscribed to its name, or every subscription refused or did not match its payload.",
      example: 'no workflow is subscribed to event "payment.settled"',
    }),
  })
  .openapi("EventReceipt");

/** Counts of runs by status. */
export const StatusCounts = z
  .partialRecord(RunStatus, z.number().int())
  .openapi({ example: { completed: 12, failed: 1 } });

/** A workflow: one the server has code for, or one that only has runs in the store. */
export const WorkflowInfo = z
  .object({
    name: z.string(),
    /** The version the server has code for, else the latest version seen in runs. */
    version: z.string(),
    registered: z.boolean().openapi({ description: "true when this server has the workflow's code" }),
    validatesInput: z.boolean(),
    counts: StatusCounts,
    versions: z.array(z.object({ version: z.string(), counts: StatusCounts })),
  })
  .openapi("Workflow");
