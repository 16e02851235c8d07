import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env.js";
import { errorResponses, jsonResponse } from "./responses.js";

/** Answer of `GET /api/whoami`. */
export const WhoAmI = z.object({
  role: z.enum(["reader", "operator", "worker"]),
  auth: z.boolean().openapi({ description: "false when the server has no tokens (everyone is an operator)" }),
});

const whoami = createRoute({
  method: "get",
  path: "/api/whoami",
  tags: ["system"],
  summary: "The caller's role, so a client can hide what it may not do",
  responses: {
    200: jsonResponse("The role", WhoAmI),
    ...errorResponses(401, 500),
  },
});

/** `GET /api/whoami` (any role). */
export function addWhoamiRoute(app: OpenAPIHono<AppEnv>, auth: boolean): void {
  app.openapi(whoami, (c) => c.json({ role: c.get("role"), auth }, 200));
}
