import { type BatonOptions, type BatonProcess, spawnBaton } from "./run-baton.js";

/** A running `baton serve` and its URL. */
export interface Serving {
  server: BatonProcess;
  url: string;
}

/**
 * Starts `baton serve ...args --port 0` (a port the system picks) and
 * resolves once it prints the line with its URL. The server is killed after
 * `options.timeoutMs` (default 180 s): it serves a whole test, whose many
 * CLI calls each start a process of their own (61 s for one test under a
 * loaded CI run).
 */
export async function startServe(args: string[], options: BatonOptions = {}): Promise<Serving> {
  const server = spawnBaton(["serve", ...args, "--port", "0"], { timeoutMs: 180_000, ...options });
  const line = await server.waitForLine(/^serving /);
  const url = /^serving (http:\/\/\S+) on /.exec(line)?.[1];
  if (!url) throw new Error(`no URL in ${JSON.stringify(line)}`);
  return { server, url };
}
