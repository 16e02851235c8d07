import { LeaseLostError } from "../../errors.js";
import { encodeJson } from "../../json.js";
import type { AppendResult, HistoryRecord, Lease, RunWrite, RunWriteFields } from "../store.js";
import type { SqliteContext } from "./sqlite-context.js";

/** What `progressed` reads of a run after its last write or release. */
interface ProgressRow {
  parent_id: string | null;
  status: string;
  wake_at: number | null;
  poke_seq: number;
  seen_poke_seq: number;
  queue: string;
}

/** The fence of a write: the run, its lease, the seqs it goes from and to. */
export interface WriteFence {
  id: string;
  owner: string;
  token: number;
  previousSeq: number;
  lastSeq: number;
  seenPokeSeq: number | null;
  now: number;
}

/**
 * A write of any verb that changes more than history (`end`, `release`,
 * `full`, and a `starts` or `progress` with a new status, timer or signals
 * consumed), inside the caller's write transaction: the fenced update of the
 * run's row (`lean` when status, timer, output, error and lease stay as they
 * are), then its history, event waits, signals, children, and the notice or
 * poke its end or release calls for. Answers the children it did not create.
 * @throws LeaseLostError when the fence did not match (nothing was changed).
 */
export function createSqliteFullWrites(
  ctx: SqliteContext,
  /** The lean fenced update (`sqlite-writes.ts`); the number of rows it changed. */
  lean: (fence: WriteFence) => number,
): (lease: Lease, write: RunWrite) => AppendResult | undefined {
  const sql = ctx.prepared((db) => ({
    progress: db.prepare(
      `UPDATE runs SET
         last_seq = @lastSeq,
         status = coalesce(@status, status),
         output = CASE WHEN @setOutput THEN @output ELSE output END,
         error = CASE WHEN @setError THEN @error ELSE error END,
         wake_at = CASE WHEN @setWake THEN @wakeAt ELSE wake_at END,
         seen_poke_seq = coalesce(@seenPokeSeq, seen_poke_seq),
         finished_at = coalesce(@finishedAt, finished_at),
         lease_owner = CASE WHEN @release THEN NULL ELSE lease_owner END,
         lease_expires_at = CASE WHEN @release THEN NULL ELSE lease_expires_at END,
         updated_at = @now
       WHERE id = @id AND lease_owner = @owner AND lease_token = @token AND last_seq = @previousSeq`,
    ),
    // Read after `progress` when the write ends or releases the run (RETURNING would cost more).
    progressed: db.prepare("SELECT parent_id, status, wake_at, poke_seq, seen_poke_seq, queue FROM runs WHERE id = ?"),
    consumeSignal: db.prepare("UPDATE signals SET consumed_seq = ? WHERE id = ? AND run_id = ?"),
  }));

  /** A released run another worker may take now (runnable) or at its timer (wake). */
  const announceRelease = (row: ProgressRow) => {
    if (row.status !== "waiting" || row.poke_seq > row.seen_poke_seq) ctx.notices.announce("r");
    else if (row.wake_at !== null) ctx.notices.announce(`w:${row.wake_at}`);
  };

  return (lease, write) => {
    const fields: RunWriteFields = write;
    const release = write.kind === "release";
    const first = write.events[0];
    const previousSeq = first ? first.seq - 1 : undefined;
    const lastSeq = write.events.length ? (write.events[write.events.length - 1] as HistoryRecord).seq : undefined;
    const current = previousSeq === undefined ? ctx.loadRun(lease.runId) : undefined;
    const finishing =
      write.kind === "finish" ||
      (write.status !== undefined && ["completed", "failed", "compensated", "cancelled"].includes(write.status));
    const fence: WriteFence = {
      id: lease.runId,
      owner: lease.owner,
      token: lease.token,
      previousSeq: previousSeq ?? current?.lastSeq ?? -1,
      lastSeq: lastSeq ?? current?.lastSeq ?? -1,
      seenPokeSeq: write.seenPokeSeq ?? null,
      now: write.now,
    };
    const sameRow =
      write.status === undefined &&
      fields.wakeAt === undefined &&
      fields.output === undefined &&
      fields.error === undefined &&
      !release;
    if (sameRow) {
      // Status and timer as they are: touches no index of `runs`.
      const changes = lean(fence);
      if (changes === 0) throw new LeaseLostError(lease.runId);
    }
    if (!sameRow) {
      const { changes } = sql().progress.run({
        ...fence,
        status: write.status ?? null,
        setOutput: fields.output !== undefined ? 1 : 0,
        output: encodeJson(fields.output, `output of run "${lease.runId}"`),
        setError: fields.error !== undefined ? 1 : 0,
        error: encodeJson(fields.error, "error"),
        setWake: fields.wakeAt !== undefined || finishing ? 1 : 0,
        wakeAt: finishing ? null : (fields.wakeAt ?? null),
        finishedAt: finishing ? write.now : null,
        release: release || finishing ? 1 : 0,
      });
      if (changes === 0) throw new LeaseLostError(lease.runId);
    }
    const updated = finishing || release ? (sql().progressed.get(lease.runId) as ProgressRow) : undefined;
    ctx.insertEvents(lease.runId, write.events);
    if (!finishing) ctx.events().register(lease.runId, fields.eventWaits ?? []);
    ctx.events().end(lease.runId, finishing ? "all" : (fields.endedEventWaits ?? []));
    if (fields.recordedTasks?.length) ctx.tasks().recorded(lease.runId, fields.recordedTasks);
    if (fields.recordedHumanTasks?.length) ctx.humanTasks().recorded(lease.runId, fields.recordedHumanTasks);
    if (finishing && fields.cancelTasks) {
      ctx.tasks().cancelOpen(lease.runId, write.now);
      ctx.humanTasks().cancelOpen(lease.runId, write.now);
    } else if (!finishing) {
      if (fields.tasks?.length) ctx.tasks().register(lease.runId, fields.tasks, write.now);
      if (fields.humanTasks?.length) ctx.humanTasks().register(lease.runId, fields.humanTasks, write.now);
      if (fields.reassignedHumanTasks?.length) {
        ctx.humanTasks().reassign(lease.runId, fields.reassignedHumanTasks, write.now);
      }
    }
    for (const signalId of fields.consumedSignals ?? []) {
      sql().consumeSignal.run(lastSeq ?? 0, signalId, lease.runId);
    }
    const existingChildren = fields.children?.filter((child) => !ctx.insertRun(child, write.now)).map((c) => c.id);
    // A taken id leaves the run poked: should its holder die before it checks
    // that run (`ChildWaits`), whoever takes the run over checks it.
    if (existingChildren?.length) ctx.pokeRun(lease.runId, write.now);
    if (finishing || release) ctx.runNumbers.forget(lease.runId);
    // A run of a named queue that finishes or lets go frees its slot: claimers look again.
    if (updated && updated.queue !== "default") ctx.notices.announce("r");
    if (finishing && updated?.parent_id) ctx.pokeRun(updated.parent_id, write.now);
    else if (release && !finishing && updated) announceRelease(updated);
    return existingChildren?.length ? { existingChildren } : undefined;
  };
}
