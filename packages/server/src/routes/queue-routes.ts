import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Engine } from "baton";
import { QueueName } from "../api-schemas.js";
import type { AppEnv } from "../app-env.js";
import { errorResponses, jsonResponse } from "./responses.js";

const Time = z.string().openapi({ format: "date-time", example: "2026-11-29T10:00:00.000Z" });

/** A named queue: its limits, as the worker started last declared them, and its runs now. */
export const Queue = z
  .object({
    name: QueueName,
    concurrency: z.number().int().optional().openapi({ description: "runs of the queue executing at once, at most" }),
    perKey: z
      .number()
      .int()
      .optional()
      .openapi({ description: "runs of one concurrency key executing at once, at most" }),
    rateLimit: z
      .object({ limit: z.number().int(), periodMs: z.number().int(), perKey: z.boolean() })
      .optional()
      .openapi({ description: "at most `limit` starts per `periodMs`, for the queue or (`perKey`) for each key" }),
    holdWhileWaiting: z.boolean().openapi({ description: "a waiting run keeps its slot" }),
    pending: z.number().int().openapi({ description: "runs waiting for their first start (delayed ones included)" }),
    running: z.number().int().openapi({ description: "runs holding a slot" }),
    startedInWindow: z.number().int().openapi({ description: "starts within the rate window that ends now" }),
    finishedLastMinute: z
      .number()
      .int()
      .openapi({ description: "runs of the queue that finished in the minute that ends now: its throughput" }),
    oldestPendingAgeMs: z
      .number()
      .int()
      .optional()
      .openapi({ description: "how long the oldest pending run has waited" }),
    registeredBy: z.string().openapi({ description: "the worker whose limits hold" }),
    registeredAt: Time,
  })
  .openapi("Queue");

/** Answer of `GET /api/queues`. */
export const QueueList = z.object({ queues: z.array(Queue) }).openapi("QueueList");

const listQueues = createRoute({
  method: "get",
  path: "/api/queues",
  tags: ["queues"],
  summary: "The named queues: limits, pending and running runs, rate window, oldest pending age",
  description:
    "Queues are declared by workers (`createEngine({ queues })`) and registered in the store when they start; runs of the `default` queue, without limits, are not listed.",
  responses: {
    200: jsonResponse("The named queues, by name", QueueList),
    ...errorResponses(401, 403),
  },
});

/** The route listing the queues (role `reader`). */
export function addQueueRoutes(app: OpenAPIHono<AppEnv>, engine: Engine): void {
  app.openapi(listQueues, async (c) => c.json({ queues: await engine.listQueues() } as never, 200));
}
