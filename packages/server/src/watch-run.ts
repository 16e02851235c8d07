import { type Engine, isFinished, type Run } from "baton";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { toApiError } from "./api-error.js";
import { toRunSummary } from "./run-summary.js";

/** A comment line is sent after this long without a change, so proxies keep the stream open. */
const keepAliveMs = 15_000;

/**
 * Streams a run's summary as server-sent events (`event: run`): once now,
 * then at every change (its status or its last write), until the run ends
 * or the client goes away. The run is read every `intervalMs`; when it can no
 * longer be read, an `event: error` message with the error body ends the stream.
 */
export function watchRun(c: Context, engine: Engine, first: Run, intervalMs: number): Response {
  return streamSSE(c, async (stream) => {
    let aborted = false;
    stream.onAbort(() => {
      aborted = true;
    });
    let run: Run | undefined = first;
    let last = "";
    let quietSince = Date.now();
    let seq = 0;
    while (!aborted && run) {
      const summary = toRunSummary(run);
      const key = `${summary.status}|${summary.updatedAt.getTime()}`;
      if (key !== last) {
        last = key;
        quietSince = Date.now();
        await stream.writeSSE({ event: "run", id: String(++seq), data: JSON.stringify(summary) });
      } else if (Date.now() - quietSince >= keepAliveMs) {
        quietSince = Date.now();
        await stream.write(": keep-alive\n\n");
      }
      if (isFinished(run.status)) break;
      await stream.sleep(intervalMs);
      if (aborted) break;
      const id: string = run.id;
      run = await engine.getRun(id).catch(async (error: unknown) => {
        const data = JSON.stringify(toApiError(error).toBody());
        await stream.writeSSE({ event: "error", id: String(++seq), data });
        return undefined;
      });
    }
  });
}
