import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Engine, HumanTaskStatus } from "baton";
import { ApiError } from "../api-error.js";
import type { AppEnv } from "../app-env.js";
import {
  CompleteHumanTaskBody,
  HumanTask,
  HumanTaskPage,
  HumanTaskPath,
  ListHumanTasksQuery,
  RejectHumanTaskBody,
} from "../human-task-schemas.js";
import { errorResponses, jsonBody, jsonResponse } from "./responses.js";

const tags = ["human tasks"];

const list = createRoute({
  method: "get",
  path: "/api/human-tasks",
  tags,
  summary: "The inbox: human tasks across the store, oldest first (open ones unless status says otherwise)",
  request: { query: ListHumanTasksQuery },
  responses: { 200: jsonResponse("One page of human tasks", HumanTaskPage), ...errorResponses(400, 401, 403, 500) },
});

const get = createRoute({
  method: "get",
  path: "/api/human-tasks/{id}",
  tags,
  summary: "A human task, with its form and context",
  request: { params: HumanTaskPath },
  responses: { 200: jsonResponse("The human task", HumanTask), ...errorResponses(400, 401, 403, 404, 500) },
});

const answerErrors = errorResponses(400, 401, 403, 404, 409, 413, 415, 500);

const complete = createRoute({
  method: "post",
  path: "/api/human-tasks/{id}/complete",
  tags,
  summary: "Complete an open human task with the form's data; its run goes on with the answer",
  description:
    "The data is checked against the task's form: refused with `INVALID_INPUT` and every issue. The answer records the caller's identity (its token's name) and the time. A task answered, timed out or cancelled already: 409 `HUMAN_TASK_CLOSED`.",
  request: { params: HumanTaskPath, ...jsonBody(CompleteHumanTaskBody) },
  responses: { 200: jsonResponse("The human task, completed", HumanTask), ...answerErrors },
});

const reject = createRoute({
  method: "post",
  path: "/api/human-tasks/{id}/reject",
  tags,
  summary: "Reject an open human task; its run goes on with the rejection",
  request: { params: HumanTaskPath, ...jsonBody(RejectHumanTaskBody) },
  responses: { 200: jsonResponse("The human task, rejected", HumanTask), ...answerErrors },
});

/** The human task routes: the inbox (role `reader`), and answers (role `operator`, as the caller's identity). */
export function addHumanTaskRoutes(app: OpenAPIHono<AppEnv>, engine: Engine): void {
  app.openapi(list, async (c) => {
    const { status, ...filter } = c.req.valid("query");
    const statuses = status?.split(",") as HumanTaskStatus[] | undefined;
    return c.json(
      (await engine.humanTasks.list({ ...filter, ...(statuses ? { status: statuses } : {}) })) as never,
      200,
    );
  });
  app.openapi(get, async (c) => {
    const { id } = c.req.valid("param");
    const task = await engine.humanTasks.get(id);
    if (!task) throw new ApiError(404, "HUMAN_TASK_NOT_FOUND", `no human task "${id}"`);
    return c.json(task as never, 200);
  });
  app.openapi(complete, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    return c.json((await engine.humanTasks.complete(id, { ...body, by: c.get("caller") })) as never, 200);
  });
  app.openapi(reject, async (c) => {
    const { id } = c.req.valid("param");
    return c.json((await engine.humanTasks.reject(id, { ...c.req.valid("json"), by: c.get("caller") })) as never, 200);
  });
}
