import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Engine } from "baton";
import { ForkBody, RunPath, RunSummary, SignalBody, StartRunBody } from "../api-schemas.js";
import type { AppEnv } from "../app-env.js";
import { toRunSummary } from "../run-summary.js";
import { optionalEmptyBody, readEmptyBody } from "./empty-body.js";
import { errorResponses, jsonBody, jsonResponse } from "./responses.js";

/** Answer 201 of `POST /api/runs`: the run was created. */
export const StartRunCreated = z.object({ created: z.literal(true), run: RunSummary });
/** Answer 200 of `POST /api/runs`: a run with this id and input existed. */
export const StartRunExisted = z.object({ created: z.literal(false), run: RunSummary });

/** Answer of `POST /api/runs/{id}/cancel` and `/resume`. */
export const RunAccepted = z.object({ runId: z.string() });

/** Answer of `POST /api/runs/{id}/signals`. */
export const SignalAccepted = RunAccepted.extend({ name: z.string() });

/** Answer of `POST /api/runs/{id}/fork`. */
export const ForkResult = z.object({ run: RunSummary });

const startRun = createRoute({
  method: "post",
  path: "/api/runs",
  tags: ["runs"],
  summary: "Start a run of a workflow (idempotent by id)",
  description:
    "The id is the run's idempotency key: the same id with the same input returns the existing run (200); with another input, 409.",
  request: jsonBody(StartRunBody),
  responses: {
    201: jsonResponse("The run was created", StartRunCreated),
    200: jsonResponse("The run existed with this input", StartRunExisted),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500),
  },
});

const signal = createRoute({
  method: "post",
  path: "/api/runs/{id}/signals",
  tags: ["runs"],
  summary: "Send a signal to a run (durable once answered)",
  request: { params: RunPath, ...jsonBody(SignalBody) },
  responses: {
    202: jsonResponse("The signal is stored", SignalAccepted),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500),
  },
});

const cancel = createRoute({
  method: "post",
  path: "/api/runs/{id}/cancel",
  tags: ["runs"],
  summary: "Cancel a run at its next durable point (its compensations run)",
  request: { params: RunPath, ...optionalEmptyBody },
  responses: {
    202: jsonResponse("The cancel is stored", RunAccepted),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500),
  },
});

const resume = createRoute({
  method: "post",
  path: "/api/runs/{id}/resume",
  tags: ["runs"],
  summary: "Resume a failed run from the step that failed",
  request: { params: RunPath, ...optionalEmptyBody },
  responses: {
    202: jsonResponse("The run will resume", RunAccepted),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500),
  },
});

const fork = createRoute({
  method: "post",
  path: "/api/runs/{id}/fork",
  tags: ["runs"],
  summary: "Start a new run that reuses this run's results before a step (a position or a step name)",
  request: { params: RunPath, ...jsonBody(ForkBody) },
  responses: {
    201: jsonResponse("The new run", ForkResult),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500),
  },
});

/** The routes that change runs (role `operator`). */
export function addRunActionRoutes(app: OpenAPIHono<AppEnv>, engine: Engine): void {
  app.openapi(startRun, async (c) => {
    const body = c.req.valid("json");
    const { workflow, input, ...options } = body;
    const handle = await engine.startRun(workflow, input, options);
    const run = toRunSummary(await handle.get());
    return handle.created
      ? c.json({ created: true, run } as never, 201)
      : c.json({ created: false, run } as never, 200);
  });

  app.openapi(signal, async (c) => {
    const { id } = c.req.valid("param");
    const { name, payload } = c.req.valid("json");
    await engine.signal(id, name, payload);
    return c.json({ runId: id, name }, 202);
  });

  app.openapi(cancel, async (c) => {
    const { id } = c.req.valid("param");
    await readEmptyBody(c);
    await engine.cancel(id);
    return c.json({ runId: id }, 202);
  });

  app.openapi(resume, async (c) => {
    const { id } = c.req.valid("param");
    await readEmptyBody(c);
    await engine.resume(id);
    return c.json({ runId: id }, 202);
  });

  app.openapi(fork, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const handle = await engine.fork(id, { fromStep: body.fromStep, id: body.id });
    return c.json({ run: toRunSummary(await handle.get()) } as never, 201);
  });
}
