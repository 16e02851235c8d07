import { runNotFound } from "../../rows.js";

/**
 * The numbers (`runs.num`) of the runs a SQLite store writes for, by id: a
 * run's history rows are keyed by its number. Kept from when a run is
 * created leased or claimed until it ends or is released; a run not kept is
 * looked up.
 */
export interface RunNumbers {
  /** The number of run `runId`, kept or looked up (then kept). @throws BatonError `RUN_NOT_FOUND` */
  of(runId: string): number;
  remember(runId: string, num: number): void;
  forget(runId: string): void;
  /** Forgets every number: a write was rolled back, and a number it gave a new run may go to another. */
  clear(): void;
}

/** Numbers looked up with `lookup` (undefined: no such run); at most `most` kept, then all forgotten. */
export function createRunNumbers(lookup: (runId: string) => number | undefined, most = 100_000): RunNumbers {
  const numbers = new Map<string, number>();
  const remember = (runId: string, num: number) => {
    if (numbers.size >= most) numbers.clear();
    numbers.set(runId, num);
  };
  return {
    of(runId) {
      const known = numbers.get(runId);
      if (known !== undefined) return known;
      const num = lookup(runId);
      if (num === undefined) throw runNotFound(runId);
      remember(runId, num);
      return num;
    },
    remember,
    forget(runId) {
      numbers.delete(runId);
    },
    clear() {
      numbers.clear();
    },
  };
}
