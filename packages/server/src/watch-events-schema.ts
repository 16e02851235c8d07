/**
 * The messages of a run's watch stream (`GET /api/runs/{id}/watch`, server-sent
 * events), discriminated by their `event:` name; `data` is the JSON of the
 * message's `data:` line. The document gives this schema to the stream as
 * `x-itemSchema` (what OpenAPI 3.2 names `itemSchema`).
 */
import { z } from "@hono/zod-openapi";
import { ErrorBody, RunSummary } from "./api-schemas.js";

/** One message of the watch stream. */
export const WatchEvent = z
  .discriminatedUnion("event", [
    z
      .strictObject({
        event: z.literal("run"),
        id: z.string().openapi({ description: "1 for the first message, then one more for each" }),
        data: RunSummary,
      })
      .openapi("WatchRunMessage", {
        description: "The run's summary: first when the stream opens, then at each change",
      }),
    z
      .strictObject({ event: z.literal("error"), id: z.string(), data: ErrorBody })
      .openapi("WatchErrorMessage", { description: "The run could no longer be read; the stream ends after it" }),
  ])
  .openapi("WatchEvent");

/** The 200 answer of the watch route: a stream of `WatchEvent` messages (and `:` comment lines to keep it open). */
export const watchStreamResponse = {
  description:
    "A stream of server-sent events: `event: run` with the run's summary now and at every change until the run ends, `event: error` if the run can no longer be read; comment lines (`: keep-alive`) keep an idle stream open",
  content: {
    "text/event-stream": {
      schema: z.string().openapi({ description: "server-sent events, each message described by `x-itemSchema`" }),
      "x-itemSchema": { $ref: "#/components/schemas/WatchEvent" },
    },
  },
};
