/**
 * Keeps PostgreSQL's statistics up with a store that grows fast. Plans of
 * prepared statements are made once and kept: made while `runs` was nearly
 * empty, they read the whole table (which is cheapest then) and go on doing
 * so as it grows, until autovacuum next analyzes it, which can be minutes
 * away. Analyzing invalidates them: they are made again for the table's size.
 */

/** Counts what a store created; analyzes its tables as the count grows. */
export interface GrowthAnalyzer {
  /** Notes `count` new runs; analyzes when the total reaches the next threshold. */
  grew(count: number): void;
}

/** The first threshold, in runs created through this store. Each next one is `factor` times the last. */
export const firstThreshold = 200;
const factor = 4;

/**
 * An analyzer that calls `analyze` with the runs created so far (at most one
 * call at a time) each time they reach a threshold: 200, 800, 3,200... (a
 * handful of times in a store's life; autovacuum keeps the statistics after
 * that).
 */
export function createGrowthAnalyzer(analyze: (created: number) => Promise<void>): GrowthAnalyzer {
  let created = 0;
  let threshold = firstThreshold;
  let running = false;
  return {
    grew(count) {
      created += count;
      if (created < threshold || running) return;
      while (threshold <= created) threshold *= factor;
      running = true;
      void analyze(created).finally(() => {
        running = false;
      });
    },
  };
}
