/**
 * When the event loop runs this late (ms), the worker claims no new runs
 * until it catches up: the runs it holds (their timers, signals and steps)
 * come first.
 */
export const busyLagMs = 20;
/** How often the event loop's lateness is measured, in ms. */
const lagProbeMs = 10;

/** How late the event loop runs, measured every 10 ms. */
export interface LagProbe {
  /** True while the event loop runs `busyLagMs` late or more (as of the last probe). */
  readonly busy: boolean;
  stop(): void;
}

/**
 * Measures the event loop's lateness on an unreferenced interval; `keptUp`
 * is called at each probe that found it keeping up.
 */
export function startLagProbe(keptUp: () => void): LagProbe {
  let lag = 0;
  let probedAt = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lag = Math.max(0, now - probedAt - lagProbeMs);
    probedAt = now;
    if (lag < busyLagMs) keptUp();
  }, lagProbeMs);
  timer.unref();
  return {
    get busy() {
      return lag >= busyLagMs;
    },
    stop: () => clearInterval(timer),
  };
}
