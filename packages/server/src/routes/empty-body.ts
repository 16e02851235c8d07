import type { Context } from "hono";
import { ApiError } from "../api-error.js";

/**
 * The request body of a POST that needs no data (cancel, resume): it may be
 * left out, or be a JSON object with no fields. Declared as plain JSON Schema
 * (so the generated validator, which cannot take an empty body, stays out)
 * and checked by `readEmptyBody`.
 */
export const optionalEmptyBody = {
  body: {
    required: false,
    description: "May be left out; when sent, an empty JSON object",
    content: {
      "application/json": { schema: { type: "object" as const, properties: {}, additionalProperties: false } },
    },
  },
};

/**
 * Reads the body of a route with `optionalEmptyBody`: none, whitespace or
 * `{}` is accepted (the content type was checked before).
 * @throws ApiError 400 `INVALID_REQUEST` for anything else.
 */
export async function readEmptyBody(c: Context): Promise<void> {
  const text = await c.req.text();
  if (text.trim() === "") return;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, "INVALID_REQUEST", "the request body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ApiError(400, "INVALID_REQUEST", "body: expected an empty object or no body", [
      { path: "", message: "expected an empty object or no body" },
    ]);
  }
  const fields = Object.keys(body);
  if (fields.length > 0) {
    throw new ApiError(400, "INVALID_REQUEST", `body: unexpected field ${JSON.stringify(fields[0])}`, [
      { path: fields[0] as string, message: "unexpected field" },
    ]);
  }
}
