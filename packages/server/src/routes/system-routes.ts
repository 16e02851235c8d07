import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Engine } from "baton";
import { ApiError } from "../api-error.js";
import type { AppEnv } from "../app-env.js";
import { errorResponses, jsonResponse } from "./responses.js";

const health = createRoute({
  method: "get",
  path: "/api/health",
  tags: ["system"],
  summary: "Liveness: the process answers",
  security: [],
  responses: { 200: jsonResponse("Alive", z.object({ status: z.literal("ok") })), ...errorResponses(500) },
});

const ready = createRoute({
  method: "get",
  path: "/api/ready",
  tags: ["system"],
  summary: "Readiness: the store answers",
  security: [],
  responses: { 200: jsonResponse("Ready", z.object({ status: z.literal("ready") })), ...errorResponses(500, 503) },
});

/** Health and readiness (no token needed). */
export function addSystemRoutes(app: OpenAPIHono<AppEnv>, engine: Engine, readyTimeoutMs = 3000): void {
  app.openapi(health, (c) => c.json({ status: "ok" as const }, 200));

  app.openapi(ready, async (c) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        engine.listRuns({ limit: 1 }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error("timed out")), readyTimeoutMs);
        }),
      ]);
    } catch {
      throw new ApiError(503, "NOT_READY", "the store does not answer");
    } finally {
      clearTimeout(timer);
    }
    return c.json({ status: "ready" as const }, 200);
  });
}
