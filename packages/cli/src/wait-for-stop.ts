import { waitForStopSignal } from "./wait-for-stop-signal.js";

/**
 * Resolves with why this process should stop: the name of the first SIGINT
 * or SIGTERM, or `"parent exited"` when this process was started with an IPC
 * channel (by `baton dev`) and the channel closed, so that a server does not
 * outlive the process that watches its files. The channel does not keep
 * this process alive.
 */
export function waitForStop(): Promise<string> {
  const signal = waitForStopSignal();
  if (!process.channel) return signal;
  process.channel.unref();
  const disconnected = new Promise<string>((resolve) => process.once("disconnect", () => resolve("parent exited")));
  return Promise.race([signal, disconnected]);
}
