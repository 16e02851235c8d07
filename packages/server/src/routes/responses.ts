import type { z } from "@hono/zod-openapi";
import { ErrorBody } from "../api-schemas.js";

const descriptions = {
  400: "The request is malformed (the message names the field)",
  401: "No bearer token, or an unknown one",
  403: "The token's role does not allow it (a reader writes, a worker does more than poll and report tasks), or the request comes from a page of another origin or for a host not allowed",
  404: "No such run, workflow or schedule",
  409: "The run is in a state that does not allow it (a schedule: one with this id exists, defined otherwise)",
  413: "The body is over the size limit",
  415: "The request is not sent as JSON (Content-Type: application/json), even without a body",
  500: "The server failed (the store could not be read or written); the message says no more than needed",
  503: "The store cannot be reached",
} as const;

/** The error answers a route may give, for the OpenAPI document. */
export function errorResponses<S extends keyof typeof descriptions>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: descriptions[status], content: { "application/json": { schema: ErrorBody } } },
    ]),
  ) as unknown as { [K in S]: { description: string; content: { "application/json": { schema: typeof ErrorBody } } } };
}

/** A JSON answer of `schema`, for the OpenAPI document. */
export function jsonResponse<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { "application/json": { schema } } };
}

/** A JSON request body of `schema`, required (a POST whose body may be left out uses `optionalEmptyBody`). */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { required: true, content: { "application/json": { schema } } } };
}
