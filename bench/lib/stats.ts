/**
 * Order statistics of measurements: median and percentiles (linear
 * interpolation between the closest ranks), and the median of one figure
 * across rounds.
 */
import type { Row } from "./scenario.js";

/** The `p`-th percentile (0 to 100) of `values`; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(Math.max(p, 0), 100) / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  return lowValue + ((sorted[high] as number) - lowValue) * (rank - low);
}

/** The median of `values`; NaN when there are none. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The median over `items` of the figure `pick` reads from each. */
export function medianOf<T>(items: readonly T[], pick: (item: T) => number): number {
  return median(items.map(pick));
}

/**
 * Median rows over rounds: `rounds[r][i]` is row `i` of round `r`; row `i` of
 * the result holds the median of each numeric figure over the rounds (taken
 * on its own) and the first round's labels. Null where no round has a number.
 */
export function medianRows(rounds: readonly Row[][]): Row[] {
  const first = rounds[0] ?? [];
  return first.map((row, i) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => {
        if (typeof value === "string") return [key, value];
        const numbers = rounds
          .map((r) => r[i]?.[key])
          .filter((v): v is number => typeof v === "number" && !Number.isNaN(v));
        return [key, numbers.length > 0 ? median(numbers) : null];
      }),
    ),
  );
}
