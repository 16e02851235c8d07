import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env.js";
import { errorResponses, jsonResponse } from "./responses.js";

/** Answer of `GET /api/whoami`. */
export const WhoAmI = z.object({
  role: z.enum(["reader", "operator", "worker"]),
  name: z.string().openapi({ description: "the token's name (recorded on human task answers), or the role's" }),
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
  app.openapi(whoami, (c) => c.json({ role: c.get("role"), name: c.get("caller"), auth }, 200));
}
