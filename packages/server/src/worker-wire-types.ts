/**
 * The JSON of `GET /api/workers`, as TypeScript types for clients;
 * re-exported by wire-types.ts. Times are ISO 8601 strings in UTC.
 */

/** A live worker. */
export interface LiveWorker {
  id: string;
  /** `name@version` of every workflow it runs. */
  workflows: string[];
  startedAt: string;
  seenAt: string;
}

/** Open runs of a workflow version that no live worker serves. */
export interface UnservedVersion {
  workflow: string;
  version: string;
  runs: number;
}

/** `GET /api/workers`. */
export interface WorkerList {
  workers: LiveWorker[];
  unserved: UnservedVersion[];
}
