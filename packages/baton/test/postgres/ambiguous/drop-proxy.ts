/**
 * A TCP proxy in front of PostgreSQL that can lose a response: armed with a
 * marker, it forwards the next statement whose text contains the marker, lets
 * the server execute (and commit) it, then closes the client's connection
 * instead of forwarding the answer. The client sees a broken connection after
 * a commit: an ambiguous commit.
 */
import { createServer, type Server, type Socket } from "node:net";

/** A running proxy. */
export interface DropProxy {
  /** Port on 127.0.0.1. */
  port: number;
  /** Drops the response to the next `count` statements containing `marker`. */
  arm(marker: string, count?: number): void;
  /** Responses dropped so far, by marker. */
  dropped: Map<string, number>;
  close(): Promise<void>;
}

/** Starts a proxy to `host:port`. */
export async function startDropProxy(host: string, port: number): Promise<DropProxy> {
  const armed = new Map<string, number>();
  const dropped = new Map<string, number>();
  const sockets = new Set<Socket>();
  const { connect } = await import("node:net");
  const server: Server = createServer((client) => {
    const upstream = connect(port, host);
    sockets.add(client).add(upstream);
    let pending: string | undefined;
    client.on("data", (chunk) => {
      const text = chunk.toString("latin1");
      for (const [marker, count] of armed) {
        if (count > 0 && text.includes(marker)) {
          armed.set(marker, count - 1);
          pending = marker;
        }
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (pending !== undefined) {
        // The server has answered (so committed): the client never hears it.
        dropped.set(pending, (dropped.get(pending) ?? 0) + 1);
        pending = undefined;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    dropped,
    arm(marker, count = 1) {
      armed.set(marker, (armed.get(marker) ?? 0) + count);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
