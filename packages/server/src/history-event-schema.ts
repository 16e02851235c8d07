/**
 * The schema of a history event: a union discriminated by `type`, one member
 * per type of `historyEventTypes`, each with exactly the fields the library
 * records for that type (see packages/baton/src/worker and engine). Every
 * member is strict, so a field the document does not name fails the tests
 * that check real answers; a type without a member is missing from the union
 * (and fails them too).
 */
import { z } from "@hono/zod-openapi";
import { type HistoryEventType, historyEventTypes } from "baton";
import { ErrorInfo, Json, Time } from "./api-schemas.js";

const Position = z.number().int().min(0);
const call = { position: Position, name: z.string() };
const attempt = { ...call, attempt: z.number().int().min(1) };
const failedAttempt = {
  ...attempt,
  error: ErrorInfo,
  final: z.literal(true).optional().openapi({ description: "present when no attempt follows" }),
  dueAt: Time.optional().openapi({ description: "when the next attempt is due" }),
};
const TaskAttempts = z
  .array(
    z
      .object({
        attempt: z.number().int().min(1),
        workerId: z.string(),
        startedAt: Time,
        finishedAt: Time,
        error: ErrorInfo.optional(),
      })
      .openapi("TaskAttempt"),
  )
  .openapi({ description: "every attempt of the task, the last one included" });
const EventMatch = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .openapi({ description: "top-level payload fields the awaited event must have, with their values" });

/** The fields of each type beyond `seq`, `type` and `at` (every type has its entry). */
const fieldsOf = {
  "run.started": {
    input: Json.optional(),
    eventId: z.string().optional().openapi({ description: "the event that started the run" }),
    forkedFrom: z.object({ runId: z.string(), position: Position }).optional(),
  },
  "patch.applied": { name: z.string().openapi({ description: "the patch id (ctx.patched)" }) },
  "step.started": attempt,
  "step.completed": { ...attempt, output: Json.optional() },
  "step.failed": failedAttempt,
  "timer.set": { ...call, dueAt: Time },
  "timer.fired": call,
  "signal.waiting": { ...call, dueAt: Time.optional() },
  "signal.received": {
    position: Position.optional().openapi({ description: "absent when a signal handler took it" }),
    name: z.string(),
    payload: Json.optional(),
  },
  "signal.refused": {
    name: z.string(),
    payload: Json.optional(),
    issues: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .openapi({ description: "why the payload was refused, field by field" }),
    signalId: z.number().int().optional().openapi({ description: "the refused signal" }),
  },
  "signal.timed_out": call,
  "event.waiting": { ...call, match: EventMatch.optional(), dueAt: Time.optional() },
  "event.received": { ...call, payload: Json.optional(), eventId: z.string() },
  "event.timed_out": call,
  "child.started": { ...call, childId: z.string(), input: Json.optional() },
  "child.completed": { ...call, childId: z.string(), output: Json.optional() },
  "child.failed": { ...call, childId: z.string(), error: ErrorInfo },
  "task.scheduled": { ...call, input: Json.optional(), queue: z.string() },
  "task.completed": { ...attempt, output: Json.optional(), workerId: z.string().optional(), attempts: TaskAttempts },
  "task.failed": {
    ...attempt,
    error: ErrorInfo,
    final: z.literal(true),
    workerId: z.string().optional(),
    attempts: TaskAttempts,
  },
  "human_task.created": {
    ...call,
    input: Json.optional().openapi({
      description: "what the person sees: title, description, assignee, role, context",
    }),
    dueAt: Time.optional(),
  },
  "human_task.reminded": call,
  "human_task.reassigned": {
    ...call,
    input: Json.optional().openapi({ description: "the new assignee and role" }),
    dueAt: Time.optional(),
  },
  "human_task.completed": {
    ...call,
    output: Json.optional().openapi({ description: "the answer: outcome, data, comment, completedBy, completedAt" }),
  },
  "human_task.timed_out": { ...call, error: ErrorInfo.optional() },
  "run.cancel_requested": {},
  "run.timed_out": {},
  "compensation.started": attempt,
  "compensation.completed": attempt,
  "compensation.failed": failedAttempt,
  "run.completed": { output: Json.optional() },
  "run.failed": {
    error: ErrorInfo,
    positions: z.array(Position).optional().openapi({ description: "the positions a resume runs again" }),
  },
  "run.compensated": { error: ErrorInfo },
  "run.cancelled": {},
  "run.resumed": { positions: z.array(Position) },
} satisfies Record<HistoryEventType, z.ZodRawShape>;

type Member<T extends HistoryEventType> = (typeof fieldsOf)[T] extends infer F extends z.ZodRawShape
  ? z.ZodObject<{ seq: z.ZodNumber; type: z.ZodLiteral<T>; at: typeof Time } & F>
  : never;

/**
 * What the schema of each type reads, as one union discriminated by `type`:
 * exact per type, where the inferred type of `HistoryEvent` (built from a
 * list) is not. The server checks the wire type against it.
 */
export type HistoryEventOutput = { [T in HistoryEventType]: z.output<Member<T>> }[HistoryEventType];

/** `run.cancel_requested` → `RunCancelRequestedEvent`. */
const componentName = (type: string) =>
  `${type
    .split(/[._]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("")}Event`;

const members = historyEventTypes.map((type) =>
  z
    .strictObject({ seq: z.number().int().min(1), type: z.literal(type), at: Time, ...fieldsOf[type] })
    .openapi(componentName(type)),
);

/** One entry of a run's history, discriminated by `type`. */
export const HistoryEvent = z
  .discriminatedUnion("type", members as unknown as [(typeof members)[number], ...(typeof members)[number][]])
  .openapi("HistoryEvent");
