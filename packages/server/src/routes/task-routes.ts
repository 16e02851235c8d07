import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Engine, TaskStatus } from "baton";
import { ApiError } from "../api-error.js";
import type { AppEnv } from "../app-env.js";
import {
  CompleteBody,
  CompleteResult,
  FailBody,
  FailResult,
  HeartbeatBody,
  HeartbeatResult,
  ListTasksQuery,
  PollBody,
  PollResult,
  Task,
  TaskIdPath,
  TaskPage,
  TokenPath,
} from "../task-schemas.js";
import { errorResponses, jsonBody, jsonResponse } from "./responses.js";

const tags = ["tasks"];
/** How long a poll waits for a task when it does not say. */
const defaultWaitMs = 20_000;

const poll = createRoute({
  method: "post",
  path: "/api/tasks/poll",
  tags,
  summary: "Lease ready tasks of the given task queues, waiting for one when none is ready (a long poll)",
  description:
    "Answers up to `max` tasks, each with a token that leases this attempt until `leaseExpiresAt`; an empty list when none came within `waitMs`. Roles `worker` and `operator`.",
  request: jsonBody(PollBody),
  responses: {
    200: jsonResponse("The tasks leased (maybe none)", PollResult),
    ...errorResponses(400, 401, 403, 413, 415, 500),
  },
});

const tokenErrors = errorResponses(400, 401, 403, 404, 409, 413, 415, 500);
const tokenDescription =
  "A token of an earlier attempt, or whose lease lapsed, is refused with 409 `TASK_LEASE_LOST`; one whose run finished with 409 `TASK_CANCELLED`.";

const heartbeat = createRoute({
  method: "post",
  path: "/api/tasks/{token}/heartbeat",
  tags,
  summary: "Report that the attempt is alive (with progress details): extends its lease by its heartbeat timeout",
  description: tokenDescription,
  request: { params: TokenPath, ...jsonBody(HeartbeatBody) },
  responses: { 200: jsonResponse("The lease", HeartbeatResult), ...tokenErrors },
});

const complete = createRoute({
  method: "post",
  path: "/api/tasks/{token}/complete",
  tags,
  summary: "Complete the attempt with its output; the run goes on",
  description: `Idempotent: the same token completing again changes nothing (\`duplicate: true\`). ${tokenDescription}`,
  request: { params: TokenPath, ...jsonBody(CompleteBody) },
  responses: { 200: jsonResponse("Done", CompleteResult), ...tokenErrors },
});

const fail = createRoute({
  method: "post",
  path: "/api/tasks/{token}/fail",
  tags,
  summary: "Fail the attempt: retried per the task's policy unless `retryable` is false or no attempt is left",
  description: `Idempotent like complete. ${tokenDescription}`,
  request: { params: TokenPath, ...jsonBody(FailBody) },
  responses: { 200: jsonResponse("What follows", FailResult), ...tokenErrors },
});

const list = createRoute({
  method: "get",
  path: "/api/tasks",
  tags,
  summary: "Tasks, oldest first, by task queue, status or run",
  request: { query: ListTasksQuery },
  responses: { 200: jsonResponse("One page of tasks", TaskPage), ...errorResponses(400, 401, 403, 500) },
});

const get = createRoute({
  method: "get",
  path: "/api/tasks/{id}",
  tags,
  summary: "A task by id (`<run id>:<position>`)",
  request: { params: TaskIdPath },
  responses: { 200: jsonResponse("The task", Task), ...errorResponses(400, 401, 403, 404, 500) },
});

/**
 * The task routes: what task workers do (poll, heartbeat, complete, fail:
 * roles `worker` and `operator`) and what operators read (list, get: any
 * role but `worker`).
 */
export function addTaskRoutes(app: OpenAPIHono<AppEnv>, engine: Engine): void {
  app.openapi(poll, async (c) => {
    const body = c.req.valid("json");
    const tasks = await engine.tasks.poll({ ...body, waitMs: body.waitMs ?? defaultWaitMs, signal: c.req.raw.signal });
    return c.json({ tasks } as never, 200);
  });
  app.openapi(heartbeat, async (c) => {
    const { token } = c.req.valid("param");
    const { details } = c.req.valid("json");
    return c.json((await engine.tasks.heartbeat(token, details)) as never, 200);
  });
  app.openapi(complete, async (c) => {
    const { token } = c.req.valid("param");
    return c.json(await engine.tasks.complete(token, c.req.valid("json").output), 200);
  });
  app.openapi(fail, async (c) => {
    const { token } = c.req.valid("param");
    return c.json((await engine.tasks.fail(token, c.req.valid("json"))) as never, 200);
  });
  app.openapi(list, async (c) => {
    const { status, ...filter } = c.req.valid("query");
    const statuses = status?.split(",") as TaskStatus[] | undefined;
    return c.json((await engine.tasks.list({ ...filter, ...(statuses ? { status: statuses } : {}) })) as never, 200);
  });
  app.openapi(get, async (c) => {
    const { id } = c.req.valid("param");
    const task = await engine.tasks.get(id);
    if (!task) throw new ApiError(404, "TASK_NOT_FOUND", `no task "${id}"`);
    return c.json(task as never, 200);
  });
}
