/**
 * The schemas of the schedule routes (`/api/schedules`): a schedule as
 * answered, the bodies that create and change one, backfill and trigger.
 * Names follow the library's glossary (schedule, fire time, run).
 */
import { z } from "@hono/zod-openapi";
import { scheduleCatchups, scheduleOverlaps, workflowNamePattern } from "baton";
import { Duration, Json, RunSummary, Time, WorkflowName } from "./api-schemas.js";
import { DateTimeParam } from "./query-params.js";

/** A schedule id (the library's rule for names: no `@`, which separates it from the fire time in run ids). */
export const ScheduleId = z
  .string()
  .regex(workflowNamePattern, "expected letters, digits, '.', '_', ':' or '-' (at most 128)")
  .openapi({ example: "nightly-report" });

/** What a schedule does at a fire time while its previous run has not finished. */
export const ScheduleOverlap = z
  .enum(scheduleOverlaps as ["skip", "buffer-one", "allow", "cancel-previous"])
  .openapi("ScheduleOverlap");

/** Which fire times missed while no worker ran get a run. */
export const ScheduleCatchup = z.enum(scheduleCatchups as ["none", "latest", "all"]).openapi("ScheduleCatchup");

/** A schedule as answered. */
export const Schedule = z
  .object({
    id: z.string(),
    workflow: z.string(),
    cron: z.string().optional(),
    every: z.string().optional(),
    timezone: z.string(),
    input: Json,
    overlap: ScheduleOverlap,
    catchup: ScheduleCatchup,
    startAt: Time.optional(),
    endAt: Time.optional(),
    paused: z.boolean(),
    source: z.enum(["code", "api"]),
    nextFireAt: Time.optional().openapi({ description: "absent while paused or once past endAt" }),
    nextFireTimes: z.array(Time).openapi({ description: "the next fire times, nextFireAt first (at most 5)" }),
    lastFireAt: Time.optional(),
    lastRunId: z.string().optional(),
    skippedCount: z.number().int(),
    lastSkippedAt: Time.optional(),
    bufferedAt: Time.optional().openapi({
      description: "fire time of a run waiting for the previous one (buffer-one)",
    }),
    createdAt: Time,
    updatedAt: Time,
  })
  .openapi("Schedule");

/** Answer of `GET /api/schedules`. */
export const ScheduleList = z.object({ schedules: z.array(Schedule) });

/** Query of `GET /api/schedules`. */
export const ListSchedulesQuery = z.object({ workflow: WorkflowName.optional() });

/** Path of the routes of one schedule. */
export const SchedulePath = z.object({ id: ScheduleId.openapi({ param: { name: "id", in: "path" } }) });

const fields = {
  cron: z.string().min(1).max(200).openapi({ example: "0 9 * * 1-5" }),
  every: Duration,
  timezone: z.string().min(1).max(100).openapi({ example: "Europe/Paris" }),
  input: Json,
  overlap: ScheduleOverlap,
  catchup: ScheduleCatchup,
  startAt: DateTimeParam,
  endAt: DateTimeParam,
  paused: z.boolean(),
};

/** Body of `POST /api/schedules`: exactly one of `cron` and `every`. */
export const CreateScheduleBody = z
  .strictObject({
    id: ScheduleId,
    workflow: WorkflowName,
    cron: fields.cron.optional(),
    every: fields.every.optional(),
    timezone: fields.timezone.optional(),
    input: fields.input.optional(),
    overlap: fields.overlap.optional(),
    catchup: fields.catchup.optional(),
    startAt: fields.startAt.optional(),
    endAt: fields.endAt.optional(),
    paused: fields.paused.optional(),
  })
  .openapi("CreateSchedule");

/** Body of `PATCH /api/schedules/{id}`: the fields to change (`cron` replaces `every` and back; `null` clears startAt or endAt). */
export const UpdateScheduleBody = z
  .strictObject({
    workflow: WorkflowName.optional(),
    cron: fields.cron.optional(),
    every: fields.every.optional(),
    timezone: fields.timezone.optional(),
    input: fields.input.optional(),
    overlap: fields.overlap.optional(),
    catchup: fields.catchup.optional(),
    startAt: fields.startAt.nullable().optional(),
    endAt: fields.endAt.nullable().optional(),
    paused: fields.paused.optional(),
  })
  .openapi("UpdateSchedule");

/** Body of `POST /api/schedules/{id}/backfill`: runs for the fire times in `[from, to)`. */
export const BackfillBody = z.strictObject({ from: DateTimeParam, to: DateTimeParam }).openapi("Backfill");

/** Answer of `POST /api/schedules/{id}/backfill`. */
export const BackfillResult = z
  .object({
    runIds: z.array(z.string()).openapi({ description: "the run of each fire time in the range, in order" }),
    created: z.array(z.string()).openapi({ description: "those this request created" }),
  })
  .openapi("BackfillResult");

/** Answer of `POST /api/schedules/{id}/trigger`. */
export const TriggerResult = z.object({ created: z.boolean(), run: RunSummary }).openapi("TriggerResult");

/** Answer of `DELETE /api/schedules/{id}`. */
export const ScheduleDeleted = z.object({ scheduleId: z.string() });
