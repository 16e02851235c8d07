import {
  newestRegistration,
  type SignalTargetRow,
  type SubscriptionReadRow,
  toRegistryRows,
  toSignalTarget,
  toSubscriptionRecord,
} from "../registry-rows.js";
import type { Store } from "../store.js";
import type { SqliteContext } from "./sqlite-context.js";

/** The registry verbs of the SQLite store. */
export type SqliteRegistry = Pick<
  Store,
  "registerWorkflows" | "listSubscriptions" | "hasSignalSchemas" | "getSignalTarget"
>;

/**
 * The registry verbs of the SQLite store: registrations are written in the
 * store's group commit, reads go to the database directly.
 */
export function createSqliteRegistry(ctx: SqliteContext): SqliteRegistry {
  const statements = ctx.prepared((db) => ({
    upsert: db.prepare(
      `INSERT INTO workflows (name, version, timeout_ms, input_schema, signal_schemas, queue, registered_at)
       VALUES (@name, @version, @timeout_ms, @input_schema, @signal_schemas, @queue, @now)
       ON CONFLICT (name, version) DO UPDATE SET timeout_ms = excluded.timeout_ms, queue = excluded.queue,
         input_schema = excluded.input_schema, signal_schemas = excluded.signal_schemas,
         registered_at = max(registered_at, excluded.registered_at)`,
    ),
    clear: db.prepare("DELETE FROM subscriptions WHERE workflow = ? AND version = ?"),
    subscribe: db.prepare(
      "INSERT INTO subscriptions (event, workflow, version, match) VALUES (@event, @workflow, @version, @match)",
    ),
    subscriptions: db.prepare(
      `SELECT s.event, s.workflow, s.version, s.match, w.timeout_ms, w.input_schema, w.queue
       FROM subscriptions s JOIN workflows w ON w.name = s.workflow AND w.version = s.version
       WHERE s.event = ? AND ${newestRegistration("")}
       ORDER BY s.workflow`,
    ),
    anySignalSchemas: db.prepare("SELECT 1 FROM workflows WHERE signal_schemas IS NOT NULL LIMIT 1"),
    signalTarget: db.prepare(
      `SELECT r.workflow, r.version, w.signal_schemas FROM runs r
       LEFT JOIN workflows w ON w.name = r.workflow AND w.version = r.version WHERE r.id = ?`,
    ),
  }));
  return {
    registerWorkflows(workflows, now) {
      const rows = toRegistryRows(workflows);
      return ctx.batcher.write(() => {
        const s = statements();
        for (const row of rows.workflows) {
          s.upsert.run({ ...row, now });
          s.clear.run(row.name, row.version);
        }
        for (const row of rows.subscriptions) s.subscribe.run(row);
      });
    },
    async listSubscriptions(event) {
      return (statements().subscriptions.all(event) as SubscriptionReadRow[]).map(toSubscriptionRecord);
    },
    async hasSignalSchemas() {
      return statements().anySignalSchemas.get() !== undefined;
    },
    async getSignalTarget(runId, name) {
      const row = statements().signalTarget.get(runId) as SignalTargetRow | undefined;
      return row ? toSignalTarget(row, name) : undefined;
    },
  };
}
