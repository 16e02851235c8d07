import { LeaseLostError } from "../../errors.js";
import { eventsOnly } from "../events-only.js";
import type { HistoryRecord, Lease, RunWrite, Store } from "../store.js";
import type { WriteOptions } from "./sqlite-batcher.js";
import type { SqliteContext } from "./sqlite-context.js";
import { createSqliteFullWrites } from "./sqlite-full-writes.js";

/**
 * How a run's writes refuse: a lost lease, found by the fenced update that
 * comes first, before they changed anything. They run without a savepoint
 * of their own; any other error rolls back the whole group commit, whose
 * other writes go out again (see `SqliteBatcher.write`). They read no
 * history: their rows may wait for the end of the transaction.
 */
const runWrite: WriteOptions = {
  refusesUnchanged: (error) => error instanceof LeaseLostError,
  deferring: true,
};

/**
 * The writes of a run's progress under its lease (`RunWrite`): a starts or
 * progress write that only appends history takes the lean update; every
 * other verb the full one, then its event waits, signals, children, and the
 * notice or poke its end or release calls for.
 */
export function createSqliteWrites(ctx: SqliteContext): Pick<Store, "appendHistory"> {
  const sql = ctx.prepared((db) => ({
    // The common write of a step: events only, status and timer as they are.
    // Positional parameters and no RETURNING: binding by name and building a
    // row object cost more than the update itself.
    progressLean: db.prepare(
      `UPDATE runs SET last_seq = ?, seen_poke_seq = coalesce(?, seen_poke_seq), updated_at = ?
       WHERE id = ? AND lease_owner = ? AND lease_token = ? AND last_seq = ?`,
    ),
  }));

  const writeFull = createSqliteFullWrites(ctx, (fence) => {
    const { changes } = sql().progressLean.run(
      fence.lastSeq,
      fence.seenPokeSeq,
      fence.now,
      fence.id,
      fence.owner,
      fence.token,
      fence.previousSeq,
    );
    return changes;
  });

  return {
    appendHistory(lease: Lease, write: RunWrite) {
      const lean = write.events.length > 0 && eventsOnly(write);
      if (lean) {
        // The common write of a step: the fenced update comes first and
        // refuses (changing nothing) a lost lease; then the events, whose
        // sequence numbers the fence has just vouched for.
        const events = write.events;
        const previousSeq = (events[0] as HistoryRecord).seq - 1;
        const lastSeq = (events[events.length - 1] as HistoryRecord).seq;
        return ctx.batcher.write(() => {
          const { changes } = sql().progressLean.run(
            lastSeq,
            write.seenPokeSeq ?? null,
            write.now,
            lease.runId,
            lease.owner,
            lease.token,
            previousSeq,
          );
          if (changes === 0) throw new LeaseLostError(lease.runId);
          ctx.insertEvents(lease.runId, events);
          return undefined;
        }, runWrite);
      }
      // Every other verb: end, release, full, and starts or progress that change more than history.
      return ctx.batcher.write(() => writeFull(lease, write), runWrite);
    },
  };
}
