/**
 * What the store keeps of live workers: the workflow versions each serves,
 * and when it was last seen, so that runs of a version no live worker
 * serves can be told apart from runs waiting their turn.
 */

/** A worker as the store keeps it. */
export interface WorkerRecord {
  id: string;
  /** `name@version` of every workflow it runs. */
  workflows: string[];
  startedAt: number;
  seenAt: number;
}

/** Open runs of a workflow version that no live worker serves, held by none. */
export interface UnservedRecord {
  workflow: string;
  version: string;
  runs: number;
}

/** The worker verbs of a store. */
export interface WorkerVerbs {
  /** Records that worker `id` is alive now and serves `workflows`. */
  noteWorker(id: string, workflows: string[], now: number): Promise<void>;
  /** Forgets worker `id` (it stopped). */
  removeWorker(id: string): Promise<void>;
  /** The workers seen at or after `seenSince`, by id. */
  listWorkers(seenSince: number): Promise<WorkerRecord[]>;
  /**
   * Open runs (pending, running, waiting, compensating) that no worker holds,
   * of the workflow versions no worker seen at or after `seenSince` serves,
   * counted by version.
   */
  listUnserved(seenSince: number): Promise<UnservedRecord[]>;
}
