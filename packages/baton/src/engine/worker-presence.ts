/**
 * Keeps the store told that this engine's worker is alive and which
 * workflow versions it serves (every 5 s, and when it starts), and forgets
 * it when it stops; reads back the live workers and the open runs that none
 * of them serves (`engine.listWorkers`).
 */
import type { Clock } from "../clock.js";
import type { Store } from "../store/store.js";

/** How often a worker tells the store it is alive. */
export const presenceIntervalMs = 5000;
/** A worker not seen for this long is not counted as live. */
export const presenceWindowMs = 3 * presenceIntervalMs;

/** A live worker (`engine.listWorkers`). */
export interface WorkerInfo {
  id: string;
  /** `name@version` of every workflow it runs (code and stored definitions). */
  workflows: string[];
  startedAt: Date;
  seenAt: Date;
}

/** Open runs of a workflow version that no live worker serves: they wait until one that has it starts. */
export interface UnservedVersion {
  workflow: string;
  version: string;
  runs: number;
}

/** What `engine.listWorkers` answers. */
export interface WorkerList {
  workers: WorkerInfo[];
  unserved: UnservedVersion[];
}

/** The presence of one engine's worker in the store. */
export function createWorkerPresence(options: {
  store: Store;
  clock: Clock;
  workerId: string;
  keys: () => string[];
  log: (message: string, error?: unknown) => void;
}) {
  const { store, clock, workerId } = options;
  let timer: NodeJS.Timeout | undefined;
  const note = () =>
    store
      .noteWorker(workerId, options.keys(), clock.now())
      .catch((error) => options.log("noting this worker failed", error));
  return {
    async start(): Promise<void> {
      await note();
      timer ??= setInterval(() => void note(), presenceIntervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await store.removeWorker(workerId).catch((error) => options.log("forgetting this worker failed", error));
    },
    async list(): Promise<WorkerList> {
      await store.ready?.();
      const since = clock.now() - presenceWindowMs;
      const [workers, unserved] = await Promise.all([store.listWorkers(since), store.listUnserved(since)]);
      return {
        workers: workers.map((w) => ({ ...w, startedAt: new Date(w.startedAt), seenAt: new Date(w.seenAt) })),
        unserved,
      };
    },
  };
}
