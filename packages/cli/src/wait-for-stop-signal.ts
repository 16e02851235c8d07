/**
 * Resolves with the name of the first SIGINT or SIGTERM this process
 * receives. The handlers stay installed afterwards, so a repeated signal (a
 * second Ctrl-C, or the same one delivered by the terminal and by a parent
 * process) does not cut a graceful stop short.
 */
export function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => resolve(signal));
  });
}
