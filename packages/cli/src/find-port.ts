import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { CliError } from "./cli-error.js";

/**
 * Checks that `port` is free on `host` by listening on it for a moment, and
 * returns it; with port 0, returns a port the system found free.
 * @throws CliError naming host and port when it cannot listen there.
 *
 * @example
 * const port = await findPort("127.0.0.1", 0);
 */
export function findPort(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      const why = error.code === "EADDRINUSE" ? "the address is in use (pick another with --port)" : error.message;
      reject(new CliError(`cannot listen on ${host}:${port}: ${why}`, { cause: error }));
    });
    server.listen(port, host, () => {
      const found = (server.address() as AddressInfo).port;
      server.close(() => resolve(found));
    });
  });
}
