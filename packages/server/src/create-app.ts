import { OpenAPIHono } from "@hono/zod-openapi";
import type { Engine } from "baton";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { ApiError, toApiError } from "./api-error.js";
import type { AppEnv } from "./app-env.js";
import { type ApiToken, createCallerResolver } from "./auth.js";
import { addDashboard } from "./dashboard-routes.js";
import { rejectUnknownMethods } from "./method-not-allowed.js";
import { createRequestGuard, type RequestGuardOptions } from "./request-guard.js";
import { addDefinitionRoutes } from "./routes/definition-routes.js";
import { addEventRoutes } from "./routes/event-routes.js";
import { addHumanTaskRoutes } from "./routes/human-task-routes.js";
import { addQueueRoutes } from "./routes/queue-routes.js";
import { addRunActionRoutes } from "./routes/run-action-routes.js";
import { addRunRoutes } from "./routes/run-routes.js";
import { addScheduleRoutes } from "./routes/schedule-routes.js";
import { addSignalWaitRoutes } from "./routes/signal-wait-routes.js";
import { addSystemRoutes } from "./routes/system-routes.js";
import { addTaskRoutes } from "./routes/task-routes.js";
import { addWhoamiRoute } from "./routes/whoami-route.js";
import { addWorkerRoutes } from "./routes/worker-routes.js";
import { validationHook } from "./validation-hook.js";

/** Options of `createApp` and `startServer`. */
export interface ServerOptions extends RequestGuardOptions {
  /** The engine whose runs the API serves. */
  engine: Engine;
  /** Bearer tokens and their roles. Default: none (every caller is an operator; loopback only). */
  tokens?: ApiToken[];
  /** Largest request body, in bytes. Default 1 MiB. */
  bodyLimit?: number;
  /** How often a watched run is read again, in ms. Default 500. */
  watchIntervalMs?: number;
  /**
   * Folder of the built dashboard, served at `/` (its `index.html` answers
   * every other path outside `/api`). Default: none.
   */
  dashboard?: string;
  /** Where unexpected errors go (never with a token). Default: standard error. */
  logger?: { error(message: string, error?: unknown): void };
}

const publicPaths = new Set([
  "/api/health",
  "/api/ready",
  "/api/openapi.json",
  "/api/schemas/workflow-definition.json",
]);
/** A path as logged: a task token (a lease, which a log must not hand out) is left out. */
const withoutTaskToken = (path: string) =>
  path.replace(/^\/api\/tasks\/[^/]+\/(heartbeat|complete|fail)$/, "/api/tasks/{token}/$1");

/** What a `worker` token may do: poll tasks and report them. */
const taskWorkPath = /^\/api\/tasks\/(poll|[^/]+\/(heartbeat|complete|fail))$/;

/** What the dashboard's pages may load: only this server's own files and API. */
export const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/**
 * Builds the HTTP API as a fetch handler (`app.fetch(request)`), with its
 * OpenAPI 3.1 document at `/api/openapi.json`. It refuses requests that a
 * page of another origin could make a browser send (request-guard.ts): by
 * default it answers only loopback `Host` names (localhost, 127.0.0.1,
 * [::1]); served beyond loopback, pass the names it is reached by in
 * `allowedHosts`, or `"all"` (what `startServer` does there by default).
 *
 * @example
 * const app = createApp({ engine, tokens: [{ token: process.env.BATON_TOKEN!, role: "operator" }] });
 * const response = await app.request("/api/runs?status=failed", { headers: { authorization: `Bearer ${token}` } });
 */
export function createApp(options: ServerOptions): OpenAPIHono<AppEnv> {
  const { engine } = options;
  const logger = options.logger ?? { error: (message, error) => console.error(`[baton] ${message}`, error ?? "") };
  const identify = createCallerResolver(options.tokens ?? []);
  const maxSize = options.bodyLimit ?? 1024 * 1024;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.onError((error, c) => {
    let answer: ApiError;
    if (error instanceof HTTPException && error.status === 400) {
      answer = new ApiError(400, "INVALID_REQUEST", "the request body is not valid JSON");
    } else if (error instanceof HTTPException && error.status === 415) {
      answer = new ApiError(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "the request body must be JSON (Content-Type: application/json)",
      );
    } else {
      answer = toApiError(error);
    }
    if (answer.status === 500) logger.error(`${c.req.method} ${withoutTaskToken(c.req.path)} failed`, error);
    if (answer.status === 401) c.header("WWW-Authenticate", "Bearer");
    return c.json(answer.toBody(), answer.status);
  });
  app.notFound((c) => c.json(new ApiError(404, "NOT_FOUND", `no route ${c.req.method} ${c.req.path}`).toBody(), 404));

  app.use("*", async (c, next) => {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Content-Security-Policy", contentSecurityPolicy);
    c.header("X-Frame-Options", "DENY");
    c.header("Referrer-Policy", "no-referrer");
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });

  // An unknown method answers 405 (with Allow) before anything else: it changes nothing.
  app.use("/api/*", rejectUnknownMethods(app));
  app.use("*", createRequestGuard(options));

  app.use("/api/*", async (c, next) => {
    if (publicPaths.has(c.req.path)) return next();
    const { role, name } = identify(c.req.header("authorization"));
    const reads = c.req.method === "GET" || c.req.method === "HEAD";
    if (
      role === "worker" &&
      !(c.req.method === "POST" && taskWorkPath.test(c.req.path)) &&
      c.req.path !== "/api/whoami"
    ) {
      throw new ApiError(
        403,
        "FORBIDDEN",
        `a worker token can only poll and report tasks, not ${c.req.method} ${c.req.path}`,
      );
    }
    if (!reads && role === "reader") {
      throw new ApiError(403, "FORBIDDEN", `a read-only token cannot ${c.req.method} ${c.req.path}`);
    }
    c.set("role", role);
    c.set("caller", name);
    return next();
  });

  app.use(
    "/api/*",
    bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError(413, "BODY_TOO_LARGE", `the request body is over the limit of ${maxSize} bytes`);
      },
    }),
  );

  addSystemRoutes(app, engine);
  addWhoamiRoute(app, (options.tokens ?? []).length > 0);
  addRunRoutes(app, engine, options.watchIntervalMs ?? 500);
  addRunActionRoutes(app, engine);
  addSignalWaitRoutes(app, engine);
  addQueueRoutes(app, engine);
  addEventRoutes(app, engine);
  addScheduleRoutes(app, engine);
  addTaskRoutes(app, engine);
  addHumanTaskRoutes(app, engine);
  addDefinitionRoutes(app, engine);
  addWorkerRoutes(app, engine);
  if (options.dashboard) addDashboard(app, options.dashboard);

  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Baton",
      version: "1",
      description: "Start, inspect and steer durable workflow runs.",
    },
    security: [{ bearer: [] }],
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  return app;
}
