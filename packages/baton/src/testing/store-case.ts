import type { Store } from "../store/store.js";

/** One test of the store suite: what it checks, on a fresh, migrated store. */
export interface StoreCase {
  name: string;
  run(store: Store): Promise<void>;
}

/** A new run of workflow `w@1` with input `{ id }` for the store suite. */
export function suiteRun(id: string) {
  return {
    id,
    workflow: "w",
    version: "1",
    input: { id },
    history: [{ type: "run.started" as const, at: 1, input: { id } }],
  };
}
