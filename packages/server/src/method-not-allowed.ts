import type { MiddlewareHandler } from "hono";
import { ApiError } from "./api-error.js";

type Routes = { routes: readonly { method: string; path: string }[] };

/**
 * The methods the routes of `app` answer at `path` (`HEAD` with `GET`), from
 * its routes under `/api`; empty when no route has that path. Middleware
 * (method `ALL`) and wildcard routes (the dashboard's) are left out. A path
 * that a route names word for word is that route's only, not also one of a
 * route with a parameter there (`/api/tasks/poll` is not a task id).
 */
export function allowedMethods(app: Routes, path: string): string[] {
  const matches = patternsOf(app).filter(({ pattern }) => pattern.test(path));
  const fewest = Math.min(...matches.map((match) => match.params));
  const methods = new Set(matches.filter((match) => match.params === fewest).map((match) => match.method));
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}

const compiled = new WeakMap<
  Routes,
  { count: number; patterns: { method: string; pattern: RegExp; params: number }[] }
>();

/** The routes of `app` under `/api` as patterns, compiled again only when routes were added. */
function patternsOf(app: Routes) {
  const known = compiled.get(app);
  if (known && known.count === app.routes.length) return known.patterns;
  const patterns = app.routes
    .filter((route) => route.method !== "ALL" && !route.path.includes("*") && route.path.startsWith("/api/"))
    .map((route) => ({
      method: route.method,
      pattern: new RegExp(`^${route.path.replace(/:[^/]+/g, "[^/]+")}$`),
      params: (route.path.match(/:[^/]+/g) ?? []).length,
    }));
  compiled.set(app, { count: app.routes.length, patterns });
  return patterns;
}

/**
 * Answers `405 METHOD_NOT_ALLOWED`, with an `Allow` header, a request whose
 * path has routes but none for its method, before anything else looks at it
 * (which methods a path has is no secret: the OpenAPI document lists them).
 */
export function rejectUnknownMethods(app: Routes): MiddlewareHandler {
  return async (c, next) => {
    const allowed = allowedMethods(app, c.req.path);
    if (allowed.length === 0 || allowed.includes(c.req.method)) return next();
    c.header("Allow", allowed.join(", "));
    const message = `${c.req.method} is not allowed on ${c.req.path} (allowed: ${allowed.join(", ")})`;
    throw new ApiError(405, "METHOD_NOT_ALLOWED", message);
  };
}
