import { useEffect, useRef, useState } from "react";
import { ApiRequestError } from "../api/api-client.js";
import { useApi } from "../api/api-context.js";
import { isFinished, type RunSummary } from "../api/api-types.js";

/** State of a run's watch stream. */
export type WatchState = "off" | "connecting" | "live" | "reconnecting";

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Follows `GET /api/runs/{id}/watch` while `enabled`, calling `onChange`
 * with every `run` message. The stream is read with `fetch` (EventSource
 * cannot send the bearer token); it reconnects with a growing pause when
 * it breaks, and stops when the run has finished.
 */
export function useWatchRun(id: string, enabled: boolean, onChange: (summary: RunSummary) => void): WatchState {
  const { api, session } = useApi();
  const [state, setState] = useState<WatchState>("off");
  const callback = useRef(onChange);
  callback.current = onChange;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new token opens a new stream
  useEffect(() => {
    if (!enabled) {
      setState("off");
      return;
    }
    const controller = new AbortController();
    const path = `/api/runs/${encodeURIComponent(id)}/watch`;
    const follow = async () => {
      let failures = 0;
      setState("connecting");
      while (!controller.signal.aborted) {
        let last: RunSummary | undefined;
        try {
          await api.stream(
            path,
            (message) => {
              if (message.event !== "run") return;
              last = JSON.parse(message.data) as RunSummary;
              setState("live");
              failures = 0;
              callback.current(last);
            },
            controller.signal,
          );
          if (last && isFinished(last.status)) break;
        } catch (error) {
          if (controller.signal.aborted) return;
          if (error instanceof ApiRequestError && error.status < 500) break;
          failures++;
        }
        if (controller.signal.aborted) return;
        setState("reconnecting");
        await pause(Math.min(10_000, 500 * 2 ** failures), controller.signal);
      }
      if (!controller.signal.aborted) setState("off");
    };
    follow().catch(() => setState("off"));
    return () => controller.abort();
  }, [api, id, enabled, session]);

  return state;
}
