/**
 * Order statistics of measurements: median and percentiles (linear
 * interpolation between the closest ranks), and the median of one figure
 * across rounds.
 */

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
