import { useCallback, useRef, useState } from "react";

/** Where an action stands: not run, running, done (with what it said), or refused (with the API's message). */
export type ActionState =
  | { status: "idle" }
  | { status: "running" }
  | { status: "done"; message: string }
  | { status: "failed"; message: string };

/**
 * Runs one action at a time and keeps its outcome to show: the message
 * `perform` returns, or the error's message (the API's own words).
 */
export function useAction(): [ActionState, (perform: () => Promise<string>) => Promise<boolean>, () => void] {
  const [state, setState] = useState<ActionState>({ status: "idle" });
  const busy = useRef(false);
  const run = useCallback(async (perform: () => Promise<string>) => {
    if (busy.current) return false;
    busy.current = true;
    setState({ status: "running" });
    try {
      setState({ status: "done", message: await perform() });
      return true;
    } catch (error) {
      setState({ status: "failed", message: error instanceof Error ? error.message : String(error) });
      return false;
    } finally {
      busy.current = false;
    }
  }, []);
  const reset = useCallback(() => setState({ status: "idle" }), []);
  return [state, run, reset];
}
