import { BatonError } from "../../errors.js";
import { encodeJson } from "../../json.js";
import { pokedPayload } from "../notice-payload.js";
import { runNotFound } from "../rows.js";
import type { RunRecord, Store } from "../store.js";
import type { SqliteContext } from "./sqlite-context.js";

/**
 * What others do to a run (they never write its history, except a resume):
 * send it a signal, ask it to cancel (both poke it), resume it once failed.
 */
export function createSqliteRunActions(ctx: SqliteContext): Pick<Store, "sendSignal" | "requestCancel" | "resumeRun"> {
  const sql = ctx.prepared((db) => ({
    insertSignal: db.prepare("INSERT INTO signals (run_id, name, payload, sent_at) VALUES (?, ?, ?, ?)"),
    cancel: db.prepare("UPDATE runs SET cancel_requested = 1, poke_seq = poke_seq + 1, updated_at = ? WHERE id = ?"),
    resume: db.prepare(
      `UPDATE runs SET status = 'pending', error = NULL, finished_at = NULL, wake_at = NULL,
         last_seq = last_seq + 1, deadline_at = ?, updated_at = ? WHERE id = ? AND status = 'failed'`,
    ),
  }));

  return {
    sendSignal(runId, name, payload, now) {
      return ctx.batcher.write(() => {
        ctx.requireActive(runId, `signal "${name}" to`);
        sql().insertSignal.run(runId, name, encodeJson(payload, `payload of signal "${name}"`), now);
        ctx.pokeRun(runId, now);
      });
    },

    requestCancel(runId, now) {
      return ctx.batcher.write(() => {
        ctx.requireActive(runId, "cancel");
        sql().cancel.run(now, runId);
        const run = ctx.loadRun(runId) as RunRecord;
        ctx.notices.announce(pokedPayload(runId, run.pokeSeq));
        return run;
      });
    },

    resumeRun(runId, event, deadlineAt, now) {
      return ctx.batcher.write(() => {
        const run = ctx.loadRun(runId);
        if (!run) throw runNotFound(runId);
        const changed = sql().resume.run(deadlineAt ?? null, now, runId);
        if (changed.changes === 0) {
          throw new BatonError(
            "RUN_NOT_FAILED",
            `cannot resume run "${runId}": only failed runs can be resumed (it is ${run.status})`,
          );
        }
        ctx.insertEvents(runId, [{ ...event, seq: run.lastSeq + 1 }]);
        ctx.notices.announce("r");
      });
    },
  };
}
