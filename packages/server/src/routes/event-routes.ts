import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Engine } from "baton";
import { EventBody, EventReceipt } from "../api-schemas.js";
import type { AppEnv } from "../app-env.js";
import { errorResponses, jsonBody, jsonResponse } from "./responses.js";

const sendEvent = createRoute({
  method: "post",
  path: "/api/events",
  tags: ["events"],
  summary: "Post an event: start the workflows subscribed to it and deliver it to the runs waiting for it",
  description:
    "The id, when given, is the event's idempotency key: posting it again starts and delivers nothing more (`created: false`).",
  request: jsonBody(EventBody),
  responses: {
    202: jsonResponse("What the event did", EventReceipt),
    ...errorResponses(400, 401, 403, 413, 415, 500),
  },
});

/** The event route (role `operator`). */
export function addEventRoutes(app: OpenAPIHono<AppEnv>, engine: Engine): void {
  app.openapi(sendEvent, async (c) => {
    const { name, payload, id } = c.req.valid("json");
    return c.json(await engine.sendEvent(name, payload, { id }), 202);
  });
}
