import { startTransition, useEffect, useState } from "react";

/**
 * How many of `total` items to render now: `chunk` at first, then `chunk`
 * more in each following task, so a long list is committed to the page in
 * pieces and no single task holds the browser for long.
 */
export function useIncrementalCount(total: number, chunk = 100): number {
  const [count, setCount] = useState(chunk);
  useEffect(() => {
    if (count >= total) return;
    const timer = setTimeout(() => startTransition(() => setCount((current) => current + chunk)), 0);
    return () => clearTimeout(timer);
  }, [count, total, chunk]);
  return Math.min(count, total);
}
