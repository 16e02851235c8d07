/**
 * Baton's HTTP API: start, inspect and steer runs over JSON, described by an
 * OpenAPI 3.1 document at `/api/openapi.json`.
 *
 * @example
 * import { createEngine } from "baton";
 * import { startServer } from "@baton/server";
 * const engine = createEngine({ workflows: [order] });
 * await engine.start();
 * const server = await startServer({ engine, port: 7700 });
 * console.log(`API on ${server.url}/api`);
 */
export { ApiError } from "./api-error.js";
export type { ApiToken, Role } from "./auth.js";
export { createApp, type ServerOptions } from "./create-app.js";
export { checkAllowedHost, createRequestGuard, isLoopbackName, type RequestGuardOptions } from "./request-guard.js";
export { toRunSummary } from "./run-summary.js";
export { isLoopback, type RunningServer, type StartServerOptions, startServer } from "./start-server.js";
