import type { Hook } from "@hono/zod-openapi";
import { ApiError } from "./api-error.js";

const places: Record<string, string> = { json: "body", query: "query", param: "path" };

/**
 * Turns a failed validation into a 400 whose message and `issues` name each
 * offending field (`body.workflow: expected string, received number`).
 */
// biome-ignore lint/suspicious/noExplicitAny: the hook serves every route
export const validationHook: Hook<any, any, any, any> = (result) => {
  if (result.success) return;
  const place = places[result.target] ?? result.target;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
  const text = issues.map((i) => `${place}${i.path ? `.${i.path}` : ""}: ${i.message}`).join("; ");
  throw new ApiError(400, "INVALID_REQUEST", text, issues);
};
