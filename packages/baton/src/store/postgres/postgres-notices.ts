import type pg from "pg";
import { parseNotice } from "../notice-payload.js";
import type { StoreNotice } from "../store.js";
import { loadPostgresDriver } from "./postgres-driver.js";

/** A LISTEN connection shared by a store's subscribers. */
export interface PostgresNotices {
  subscribe(listener: (notice: StoreNotice) => void): () => void;
  close(): Promise<void>;
}

/**
 * Listens on `channel` over a dedicated connection while anyone subscribes.
 * When the connection drops it reconnects with backoff (100 ms doubling to
 * 5 s) and announces `reconnected`, since notices sent meanwhile are lost.
 */
export function createPostgresNotices(
  config: pg.ClientConfig,
  channel: string,
  log: (message: string, error?: unknown) => void,
): PostgresNotices {
  const listeners = new Set<(notice: StoreNotice) => void>();
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let delay = 100;
  let closed = false;
  let everConnected = false;

  const emit = (notice: StoreNotice) => {
    for (const listener of listeners) listener(notice);
  };

  const scheduleReconnect = () => {
    if (closed || listeners.size === 0 || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
    retryTimer.unref();
    delay = Math.min(delay * 2, 5000);
  };

  const connect = (): Promise<void> => {
    if (closed || client || connecting) return connecting ?? Promise.resolve();
    const next = new (loadPostgresDriver().Client)(config);
    let lost = false;
    const drop = (error?: unknown) => {
      if (lost) return;
      lost = true;
      if (client === next) client = undefined;
      if (!closed) log("the notification connection to PostgreSQL dropped; reconnecting", error);
      void next.end().catch(() => {});
      scheduleReconnect();
    };
    next.on("error", drop);
    next.on("end", () => drop());
    next.on("notification", (message) => {
      const notice = parseNotice(message.payload);
      if (notice) emit(notice);
    });
    connecting = (async () => {
      try {
        await next.connect();
        await next.query(`LISTEN ${loadPostgresDriver().escapeIdentifier(channel)}`);
        if (lost) return; // dropped while LISTEN was answered: a reconnect is already planned
        if (closed || listeners.size === 0) {
          lost = true;
          await next.end();
          return;
        }
        client = next;
        delay = 100;
        if (everConnected) emit({ kind: "reconnected" });
        everConnected = true;
      } catch (error) {
        drop(error);
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  };

  const disconnect = async () => {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    await connecting;
    const current = client;
    client = undefined;
    if (current) {
      current.removeAllListeners("end");
      current.removeAllListeners("error");
      current.on("error", () => {});
      await current.end().catch(() => {});
    }
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      void connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) void disconnect();
      };
    },
    async close() {
      closed = true;
      listeners.clear();
      await disconnect();
    },
  };
}
