/**
 * Lets at most `limit` operations use a connection pool at once; the others
 * wait their turn here, first come first served, for as long as it takes.
 * (A pool's own queue would fail them after its connection timeout, which is
 * meant for a server that does not answer, not for a busy pool.)
 */
export interface QueryGate {
  /** Runs `operation` once a place is free; an `urgent` one goes ahead of those waiting. */
  run<T>(operation: () => Promise<T>, urgent?: boolean): Promise<T>;
}

/** Creates a gate of `limit` places. */
export function createQueryGate(limit: number): QueryGate {
  let inUse = 0;
  const waiting: (() => void)[] = [];
  const leave = () => {
    const next = waiting.shift();
    if (next) next();
    else inUse--;
  };
  return {
    async run(operation, urgent = false) {
      if (inUse < limit) inUse++;
      else await new Promise<void>((resolve) => (urgent ? waiting.unshift(resolve) : waiting.push(resolve)));
      try {
        return await operation();
      } finally {
        leave();
      }
    },
  };
}
