/**
 * When a worker claims again a run of its own whose execution stopped on an
 * error (a write the store refused for a reason other than a lost lease).
 * The run stays held by the worker, so no other worker takes it; each such
 * stop doubles the wait before the next try, from `firstMs` up to `maxMs`.
 * Without it, the run would be executed again at every lease renewal for
 * as long as the error lasts, repeating its unfinished step bodies each time.
 */
export class ErrorBackoff {
  /** Failures in a row and the earliest next try (`performance.now()` ms), by run id. */
  private readonly runs = new Map<string, { failures: number; retryAt: number }>();

  constructor(
    private readonly firstMs: number,
    private readonly maxMs: number,
  ) {}

  /**
   * Notes a stop on an error; answers how long until the run is tried again,
   * and how many stops in a row. A run that went on for `maxMs` after its
   * last try starts afresh.
   */
  failed(runId: string): { delayMs: number; failures: number } {
    const now = performance.now();
    const last = this.runs.get(runId);
    const failures = last && now - last.retryAt < this.maxMs ? last.failures + 1 : 1;
    const delayMs = Math.min(this.maxMs, this.firstMs * 2 ** Math.min(failures - 1, 30));
    this.runs.set(runId, { failures, retryAt: now + delayMs });
    return { delayMs, failures };
  }

  /** The run left the worker without an error (it finished, or was released): it starts afresh. */
  clear(runId: string): void {
    this.runs.delete(runId);
  }

  /** True while the run must not be claimed again yet. */
  waiting(runId: string): boolean {
    const entry = this.runs.get(runId);
    return entry !== undefined && entry.retryAt > performance.now();
  }

  /** Forgets the runs not in `held` (another worker took them, or they finished). */
  keepOnly(held: Set<string>): void {
    for (const runId of this.runs.keys()) if (!held.has(runId)) this.runs.delete(runId);
  }
}
