import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Engine } from "baton";
import type { AppEnv } from "../app-env.js";
import { toRunSummary } from "../run-summary.js";
import {
  BackfillBody,
  BackfillResult,
  CreateScheduleBody,
  ListSchedulesQuery,
  Schedule,
  ScheduleDeleted,
  ScheduleList,
  SchedulePath,
  TriggerResult,
  UpdateScheduleBody,
} from "../schedule-schemas.js";
import { optionalEmptyBody, readEmptyBody } from "./empty-body.js";
import { errorResponses, jsonBody, jsonResponse } from "./responses.js";

const tags = ["schedules"];

const listSchedules = createRoute({
  method: "get",
  path: "/api/schedules",
  tags,
  summary: "Every schedule (of a workflow, when given), by id",
  request: { query: ListSchedulesQuery },
  responses: { 200: jsonResponse("The schedules", ScheduleList), ...errorResponses(400, 401, 403, 500) },
});

const createSchedule = createRoute({
  method: "post",
  path: "/api/schedules",
  tags,
  summary: "Create a schedule (the same definition again answers the existing one)",
  description:
    "Exactly one of `cron` (5 fields, or 6 with seconds first, read in `timezone`, default UTC) and `every` (at least 1s). A bad definition is refused with `INVALID_SCHEDULE` and nothing is stored; an id that exists with another definition with `SCHEDULE_EXISTS`.",
  request: jsonBody(CreateScheduleBody),
  responses: {
    201: jsonResponse("The schedule", Schedule),
    ...errorResponses(400, 401, 403, 409, 413, 415, 500),
  },
});

const getSchedule = createRoute({
  method: "get",
  path: "/api/schedules/{id}",
  tags,
  summary: "A schedule, with its next fire times",
  request: { params: SchedulePath },
  responses: { 200: jsonResponse("The schedule", Schedule), ...errorResponses(400, 401, 403, 404, 500) },
});

const updateSchedule = createRoute({
  method: "patch",
  path: "/api/schedules/{id}",
  tags,
  summary: "Change a schedule: the fields given replace the stored ones",
  request: { params: SchedulePath, ...jsonBody(UpdateScheduleBody) },
  responses: {
    200: jsonResponse("The schedule as changed", Schedule),
    ...errorResponses(400, 401, 403, 404, 413, 415, 500),
  },
});

const deleteSchedule = createRoute({
  method: "delete",
  path: "/api/schedules/{id}",
  tags,
  summary: "Delete a schedule (its runs stay)",
  request: { params: SchedulePath, ...optionalEmptyBody },
  responses: {
    200: jsonResponse("The schedule is deleted", ScheduleDeleted),
    ...errorResponses(400, 401, 403, 404, 413, 415, 500),
  },
});

/** `POST /api/schedules/{id}/<action>` without a body, answering the schedule. */
const scheduleAction = (action: "pause" | "resume", summary: string) =>
  createRoute({
    method: "post",
    path: `/api/schedules/{id}/${action}`,
    tags,
    summary,
    request: { params: SchedulePath, ...optionalEmptyBody },
    responses: {
      200: jsonResponse("The schedule", Schedule),
      ...errorResponses(400, 401, 403, 404, 413, 415, 500),
    },
  });

const pause = scheduleAction("pause", "Pause a schedule: no fire time until resumed");
const resume = scheduleAction(
  "resume",
  "Resume a schedule from its next fire time after now (a pause is not caught up)",
);

const trigger = createRoute({
  method: "post",
  path: "/api/schedules/{id}/trigger",
  tags,
  summary: "Start a run of the schedule now, id `<schedule id>@<ISO now>`",
  request: { params: SchedulePath, ...optionalEmptyBody },
  responses: {
    201: jsonResponse("The run", TriggerResult),
    ...errorResponses(400, 401, 403, 404, 413, 415, 500),
  },
});

const backfill = createRoute({
  method: "post",
  path: "/api/schedules/{id}/backfill",
  tags,
  summary: "Create the run of every fire time in [from, to) (at most 1,000), with the schedule's run ids",
  description: "Idempotent: the runs that exist are left as they are, so a second backfill of a range creates nothing.",
  request: { params: SchedulePath, ...jsonBody(BackfillBody) },
  responses: {
    200: jsonResponse("The runs of the range", BackfillResult),
    ...errorResponses(400, 401, 403, 404, 413, 415, 500),
  },
});

/** The schedule routes (reads: role `reader`; changes: `operator`). */
export function addScheduleRoutes(app: OpenAPIHono<AppEnv>, engine: Engine): void {
  app.openapi(listSchedules, async (c) => {
    const { workflow } = c.req.valid("query");
    return c.json({ schedules: await engine.schedules.list({ workflow }) } as never, 200);
  });

  app.openapi(createSchedule, async (c) => {
    const body = c.req.valid("json");
    return c.json((await engine.schedules.create(body)) as never, 201);
  });

  app.openapi(getSchedule, async (c) => c.json((await engine.schedules.get(c.req.valid("param").id)) as never, 200));

  app.openapi(updateSchedule, async (c) => {
    const { id } = c.req.valid("param");
    return c.json((await engine.schedules.update(id, c.req.valid("json"))) as never, 200);
  });

  app.openapi(deleteSchedule, async (c) => {
    const { id } = c.req.valid("param");
    await readEmptyBody(c);
    await engine.schedules.delete(id);
    return c.json({ scheduleId: id }, 200);
  });

  for (const [route, act] of [
    [pause, (id: string) => engine.schedules.pause(id)],
    [resume, (id: string) => engine.schedules.resume(id)],
  ] as const) {
    app.openapi(route, async (c) => {
      const { id } = c.req.valid("param");
      await readEmptyBody(c);
      return c.json((await act(id)) as never, 200);
    });
  }

  app.openapi(trigger, async (c) => {
    const { id } = c.req.valid("param");
    await readEmptyBody(c);
    const handle = await engine.schedules.trigger(id);
    return c.json({ created: handle.created, run: toRunSummary(await handle.get()) } as never, 201);
  });

  app.openapi(backfill, async (c) => {
    const { id } = c.req.valid("param");
    const { from, to } = c.req.valid("json");
    return c.json((await engine.schedules.backfill(id, from, to)) as never, 200);
  });
}
