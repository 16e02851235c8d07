import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Engine } from "baton";
import { Time } from "../api-schemas.js";
import type { AppEnv } from "../app-env.js";
import { errorResponses, jsonResponse } from "./responses.js";

/** A live worker: the workflow versions it serves, and when it was last seen. */
export const WorkerInfo = z
  .object({
    id: z.string(),
    workflows: z.array(z.string()).openapi({ description: "`name@version` of every workflow it runs" }),
    startedAt: Time,
    seenAt: Time,
  })
  .openapi("LiveWorker");

/** Open runs of a workflow version that no live worker serves. */
export const UnservedVersion = z
  .object({ workflow: z.string(), version: z.string(), runs: z.number().int() })
  .openapi("UnservedVersion");

/** Answer of `GET /api/workers`. */
export const WorkerList = z
  .object({
    workers: z.array(WorkerInfo),
    unserved: z.array(UnservedVersion).openapi({
      description:
        "open runs no worker holds, of versions no live worker serves: they wait until one that has it starts",
    }),
  })
  .openapi("WorkerList");

const listWorkers = createRoute({
  method: "get",
  path: "/api/workers",
  tags: ["workflows"],
  summary: "The live workers (seen in the last 15 s) with the versions they serve, and the runs no live worker serves",
  responses: { 200: jsonResponse("The live workers", WorkerList), ...errorResponses(401, 403, 500) },
});

/** The route listing the live workers (role `reader`). */
export function addWorkerRoutes(app: OpenAPIHono<AppEnv>, engine: Engine): void {
  app.openapi(listWorkers, async (c) => c.json((await engine.listWorkers()) as never, 200));
}
