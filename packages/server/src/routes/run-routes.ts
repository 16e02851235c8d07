import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Engine, RunFilter, RunStatus } from "baton";
import { ListRunsQuery, Run, RunPath, RunSummary, WorkflowInfo } from "../api-schemas.js";
import type { AppEnv } from "../app-env.js";
import { describeWorkflows } from "../describe-workflows.js";
import { HistoryEvent } from "../history-event-schema.js";
import { WatchEvent, watchStreamResponse } from "../watch-events-schema.js";
import { watchRun } from "../watch-run.js";
import { errorResponses, jsonResponse } from "./responses.js";

/** Answer of `GET /api/runs`: a page of runs, newest first. */
export const RunPage = z.object({ runs: z.array(RunSummary), nextCursor: z.string().optional() });

/** Answer of `GET /api/runs/{id}/history`. */
export const RunHistory = z.object({ events: z.array(HistoryEvent) });

/** Answer of `GET /api/workflows`. */
export const WorkflowList = z.object({ workflows: z.array(WorkflowInfo) });

const listRuns = createRoute({
  method: "get",
  path: "/api/runs",
  tags: ["runs"],
  summary: "List runs, newest first, filtered and paged",
  request: { query: ListRunsQuery },
  responses: {
    200: jsonResponse("A page of runs", RunPage),
    ...errorResponses(400, 401, 403, 500),
  },
});

const getRun = createRoute({
  method: "get",
  path: "/api/runs/{id}",
  tags: ["runs"],
  summary: "A run with its steps, attempts, children and pending signals",
  request: { params: RunPath },
  responses: { 200: jsonResponse("The run", Run), ...errorResponses(400, 401, 403, 404, 500) },
});

const getHistory = createRoute({
  method: "get",
  path: "/api/runs/{id}/history",
  tags: ["runs"],
  summary: "The ordered history of a run",
  request: { params: RunPath },
  responses: {
    200: jsonResponse("The history", RunHistory),
    ...errorResponses(400, 401, 403, 404, 500),
  },
});

const watch = createRoute({
  method: "get",
  path: "/api/runs/{id}/watch",
  tags: ["runs"],
  summary: "Server-sent events: an `event: run` message with the run's summary now and at every change, until it ends",
  request: { params: RunPath },
  responses: {
    200: watchStreamResponse,
    ...errorResponses(400, 401, 403, 404, 500),
  },
});

const listWorkflows = createRoute({
  method: "get",
  path: "/api/workflows",
  tags: ["workflows"],
  summary:
    "Workflows (those this server has code for, and those with runs in the store), with counts of runs by status",
  responses: {
    200: jsonResponse("The workflows", WorkflowList),
    ...errorResponses(401, 403, 500),
  },
});

/** The read routes of runs and workflows (role `reader`). */
export function addRunRoutes(app: OpenAPIHono<AppEnv>, engine: Engine, watchIntervalMs: number): void {
  app.openAPIRegistry.register("WatchEvent", WatchEvent);
  app.openapi(listRuns, async (c) => {
    const query = c.req.valid("query");
    const filter: RunFilter = {
      workflow: query.workflow,
      status: query.status?.split(",") as RunStatus[] | undefined,
      parentId: query.parentId,
      queue: query.queue,
      scheduleId: query.scheduleId,
      idContains: query.idContains,
      createdAfter: query.createdAfter,
      createdBefore: query.createdBefore,
      limit: query.limit,
      cursor: query.cursor,
    };
    return c.json((await engine.listRuns(filter)) as never, 200);
  });

  app.openapi(getRun, async (c) => c.json((await engine.getRun(c.req.valid("param").id)) as never, 200));

  app.openapi(getHistory, async (c) =>
    c.json({ events: await engine.getHistory(c.req.valid("param").id) } as never, 200),
  );

  app.openapi(watch, async (c) => {
    const { id } = c.req.valid("param");
    return watchRun(c, engine, await engine.getRun(id), watchIntervalMs) as never;
  });

  app.openapi(listWorkflows, async (c) => c.json({ workflows: await describeWorkflows(engine) } as never, 200));
}
