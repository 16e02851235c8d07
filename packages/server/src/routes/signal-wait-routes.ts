import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Engine } from "baton";
import { MessageName, RunId, RunStatus, WorkflowName } from "../api-schemas.js";
import type { AppEnv } from "../app-env.js";
import { errorResponses, jsonResponse } from "./responses.js";

const Time = z.string().openapi({ format: "date-time", example: "2026-11-29T10:00:00.000Z" });

/** An open signal wait of a run that has not finished. */
export const SignalWait = z
  .object({
    runId: RunId,
    workflow: z.string(),
    version: z.string(),
    runStatus: RunStatus.openapi({ description: "`running` when another branch of the run runs meanwhile" }),
    position: z.number().int(),
    name: z.string().openapi({ description: "name of the signal awaited", example: "approve" }),
    since: Time.openapi({ description: "when the run began to wait" }),
    dueAt: Time.optional().openapi({ description: "when the wait times out, if it has a timeout" }),
    approval: z.boolean().openapi({
      description: 'true when the signal\'s name asks a person for an approval (contains "approv", any case)',
    }),
  })
  .openapi("SignalWait");

/** Answer of `GET /api/signal-waits`: a page of open signal waits, the longest waiting first. */
export const SignalWaitPage = z.object({ waits: z.array(SignalWait), nextCursor: z.string().optional() });

/** Query of `GET /api/signal-waits`. */
export const ListSignalWaitsQuery = z.object({
  workflow: WorkflowName.optional(),
  name: MessageName.optional().openapi({ description: "only waits for the signal of this name (exact)" }),
  limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ description: "page size; default 50" }),
  cursor: z.string().max(1000).optional().openapi({ description: "the `nextCursor` of the previous page" }),
});

const listSignalWaits = createRoute({
  method: "get",
  path: "/api/signal-waits",
  tags: ["signals"],
  summary: "Open signal waits of the runs that have not finished, the longest waiting first, filtered and paged",
  description:
    "Every `waitForSignal` with no signal received and no timeout yet, of runs that are pending, running or waiting, across the whole store: the oldest first (then by run id and position).",
  request: { query: ListSignalWaitsQuery },
  responses: {
    200: jsonResponse("A page of open signal waits", SignalWaitPage),
    ...errorResponses(400, 401, 403),
  },
});

/** The route listing open signal waits (role `reader`). */
export function addSignalWaitRoutes(app: OpenAPIHono<AppEnv>, engine: Engine): void {
  app.openapi(listSignalWaits, async (c) => {
    const { workflow, name, limit, cursor } = c.req.valid("query");
    return c.json((await engine.listSignalWaits({ workflow, name, limit, cursor })) as never, 200);
  });
}
