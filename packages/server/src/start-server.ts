import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { BatonError } from "baton";
import { createApp, type ServerOptions } from "./create-app.js";

/** Options of `startServer`. */
export interface StartServerOptions extends ServerOptions {
  /** Address to listen on. Default `127.0.0.1`. Beyond loopback, `tokens` are required. */
  host?: string;
  /**
   * Host names the server answers besides loopback ones (see `ServerOptions`).
   * Default: none on a loopback `host`; beyond loopback, `"all"` (no Host
   * check, since tokens are required there) unless a list is given.
   */
  allowedHosts?: readonly string[] | "all";
  /** Port. Default 7700; 0 picks a free one. */
  port?: number;
  /** Time allowed to receive a request's headers, in ms. Default 10000. */
  headersTimeoutMs?: number;
  /** Time allowed to receive a whole request, in ms. Default 30000. */
  requestTimeoutMs?: number;
}

/** A listening server. */
export interface RunningServer extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:7700`. */
  readonly url: string;
  readonly server: Server;
  /** Stops listening and closes every connection (watch streams included). */
  close(): Promise<void>;
}

/** True for a host name or address that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, "").toLowerCase();
  return name === "localhost" || name === "::1" || /^127(\.\d{1,3}){3}$/.test(name) || name === "::ffff:127.0.0.1";
}

/**
 * Serves the HTTP API on `host:port`.
 * @throws BatonError `INSECURE_LISTEN` on a non-loopback host without tokens.
 *
 * @example
 * const server = await startServer({ engine, host: "0.0.0.0", tokens: [{ token, role: "operator" }] });
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopback(host) && !(options.tokens && options.tokens.length > 0)) {
    throw new BatonError(
      "INSECURE_LISTEN",
      `refusing to listen on "${host}" without an API token: anyone who can reach it could start and cancel runs (give a token, or listen on 127.0.0.1)`,
    );
  }
  const app = createApp({ ...options, allowedHosts: options.allowedHosts ?? (isLoopback(host) ? [] : "all") });
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server = createAdaptorServer({
    fetch: app.fetch,
    serverOptions: {
      headersTimeout,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      keepAliveTimeout: 5_000,
      // How often the two limits above are checked (Node's default, 30 s, would let a slow client hold on longer).
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
  }) as Server;
  server.maxHeadersCount = 100;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 7700, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return { url, server, close, [Symbol.asyncDispose]: close };
}
