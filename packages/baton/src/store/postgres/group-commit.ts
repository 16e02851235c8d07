import type pg from "pg";
import { isTransientError } from "./connection-errors.js";

/** A statement waiting for its batch. */
interface Entry {
  name: string;
  text: string;
  values: unknown[];
  resolve(rows: pg.QueryResultRow[]): void;
  reject(error: unknown): void;
}

/** Limits of a group commit. */
export interface GroupCommitOptions {
  /** Transactions committing at once; more statements wait and form the next batch. */
  maxInFlight: number;
  /** Statements in one transaction at most. */
  maxBatch: number;
}

/** Statements run through group commit. */
export interface GroupCommit {
  /** Runs a prepared statement (`name`) in the next batch; resolves with its rows once the batch committed. */
  query<R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]>;
}

/** Errors that abort a transaction without losing the connection: its statements may simply run again. */
const abortCodes = new Set(["40001", "40P01"]);
const lostConnection = (error: unknown) =>
  isTransientError(error) && !abortCodes.has(String((error as { code?: unknown }).code));

/**
 * Group commit on PostgreSQL: the writes of concurrent runs share a
 * transaction. A statement submitted while `maxInFlight` transactions are
 * committing waits; those waiting then go out together as one transaction
 * (BEGIN, the statements, COMMIT) sent in one round trip over a pipelined
 * connection (`pipeline: true`). Each caller hears of its statement only once
 * that transaction has committed. A statement that finds the way clear goes
 * out on its own, so an idle store adds no delay.
 *
 * When a statement of a batch fails, the transaction writes nothing, and each
 * of its statements runs again on its own, so every caller gets the answer it
 * would have had alone. When the connection is lost during a batch, every
 * caller gets that error: whether the commit happened is unknown, exactly as
 * for a statement sent alone, and callers handle it the same way.
 */
export function createGroupCommit(pool: pg.Pool, options: GroupCommitOptions): GroupCommit {
  const queue: Entry[] = [];
  let inFlight = 0;

  const runAlone = async (entry: Entry) => {
    try {
      entry.resolve((await pool.query({ name: entry.name, text: entry.text, values: entry.values })).rows);
    } catch (error) {
      entry.reject(error);
    }
  };

  const runBatch = async (batch: Entry[]) => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    let lost: Error | undefined;
    // A connection that breaks under a pipeline also reports it as an event.
    const onError = (error: Error) => {
      lost ??= error;
    };
    client.on("error", onError);
    try {
      const sent = [
        client.query("BEGIN"),
        ...batch.map((entry) => client.query({ name: entry.name, text: entry.text, values: entry.values })),
        client.query("COMMIT"),
      ];
      const settled = await Promise.allSettled(sent);
      const failure = settled.find((outcome) => outcome.status === "rejected");
      const committed =
        (settled.at(-1) as PromiseSettledResult<pg.QueryResult>).status === "fulfilled" &&
        (settled.at(-1) as PromiseFulfilledResult<pg.QueryResult>).value.command === "COMMIT";
      if (!failure && committed) {
        batch.forEach((entry, index) => {
          entry.resolve((settled[index + 1] as PromiseFulfilledResult<pg.QueryResult>).value.rows);
        });
        return;
      }
      if ((failure && lostConnection(failure.reason)) || lost) {
        const reason = failure?.reason ?? lost;
        lost ??= reason as Error;
        for (const entry of batch) entry.reject(reason);
        return;
      }
    } finally {
      client.off("error", onError);
      client.release(lost);
    }
    // Rolled back: nothing of the batch was written. Each statement alone.
    await Promise.all(batch.map(runAlone));
  };

  const pump = () => {
    while (queue.length > 0 && inFlight < options.maxInFlight) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight++;
      void (batch.length === 1 ? runAlone(batch[0] as Entry) : runBatch(batch)).finally(() => {
        inFlight--;
        pump();
      });
    }
  };

  return {
    query<R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]) {
      return new Promise<R[]>((resolve, reject) => {
        queue.push({ name, text, values, resolve: resolve as Entry["resolve"], reject });
        pump();
      });
    },
  };
}
