/** Waiting runs whose timer is due sooner than this are not evicted. */
export const evictionHorizonMs = 10_000;

/** What eviction reads of a run in memory. */
export interface EvictionCandidate {
  /** The run only waits (nothing running): it may leave memory. */
  readonly evictable: boolean;
  /** Its next timer, if any. */
  readonly nextWakeAt: number | undefined;
  /** Last time it made progress. */
  readonly lastActive: number;
}

/**
 * The runs to evict at the memory limit (`maxRunsInMemory` runs or more), down
 * to 90% of it: waiting runs with no timer first (the least recently active
 * first), then those whose timer is furthest. A run whose timer is due within
 * `evictionHorizonMs` of `now` stays: it would be claimed back at once.
 */
export function chooseEvictions<R extends EvictionCandidate>(
  runs: Iterable<R>,
  maxRunsInMemory: number,
  now: number,
): R[] {
  const all = [...runs];
  if (all.length < maxRunsInMemory) return [];
  const excess = all.length - Math.floor(maxRunsInMemory * 0.9);
  if (excess <= 0) return [];
  const soon = now + evictionHorizonMs;
  return all
    .filter((run) => run.evictable && (run.nextWakeAt ?? Number.POSITIVE_INFINITY) > soon)
    .sort(
      (a, b) =>
        (b.nextWakeAt ?? Number.POSITIVE_INFINITY) - (a.nextWakeAt ?? Number.POSITIVE_INFINITY) ||
        a.lastActive - b.lastActive,
    )
    .slice(0, excess);
}
