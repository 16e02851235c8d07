import { startTransition, useCallback, useEffect, useState } from "react";
import { useApi } from "../api/api-context.js";

/** The state of one `GET`. */
export interface ApiData<T> {
  /** The last answer for this path (kept while it is fetched again). */
  data?: T;
  /** The last error, cleared by the next success. */
  error?: Error;
  /** True until the first answer (or error) for this path. */
  loading: boolean;
  /** When the last answer arrived (ms). */
  receivedAt?: number;
  /** Fetches again now. */
  reload(): void;
}

/** Options of `useApiData`. */
export interface ApiDataOptions {
  /** Fetches again this long after each answer, while the tab is visible. Default: never. */
  pollMs?: number;
  /** Fetches again whenever this value changes. */
  key?: unknown;
}

interface Held<T> {
  path: string | null;
  data?: T;
  error?: Error;
  receivedAt?: number;
}

/**
 * `GET path` (JSON), fetched again on `reload()`, when `key` or the token
 * changes, and every `pollMs`. A `null` path fetches nothing.
 *
 * @example
 * const { data, error } = useApiData<RunPage>("/api/runs?limit=50", { pollMs: 2000 });
 */
export function useApiData<T>(path: string | null, options: ApiDataOptions = {}): ApiData<T> {
  const { api, session } = useApi();
  const [held, setHeld] = useState<Held<T>>({ path: null });
  const [tick, setTick] = useState(0);
  const { pollMs, key } = options;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key`, `tick` and `session` only ask for a new fetch
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      if (pollMs !== undefined && document.hidden) {
        timer = setTimeout(load, pollMs);
        return;
      }
      api.get<T>(path, controller.signal).then(
        (data) => {
          if (controller.signal.aborted) return;
          // A transition: React renders a large answer in slices, yielding to the browser between them.
          startTransition(() => setHeld({ path, data, receivedAt: Date.now() }));
          if (pollMs !== undefined) timer = setTimeout(load, pollMs);
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          const failure = error instanceof Error ? error : new Error(String(error));
          setHeld((previous) => ({ ...(previous.path === path ? previous : { path }), error: failure }));
          if (pollMs !== undefined) timer = setTimeout(load, Math.max(pollMs, 5000));
        },
      );
    };
    load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [api, path, pollMs, key, tick, session]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const mine = held.path === path;
  return {
    data: mine ? held.data : undefined,
    error: mine ? held.error : undefined,
    loading: path !== null && (!mine || (held.data === undefined && held.error === undefined)),
    receivedAt: mine ? held.receivedAt : undefined,
    reload,
  };
}
