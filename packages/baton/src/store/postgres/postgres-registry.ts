/**
 * The registry verbs of the PostgreSQL store, each one statement.
 * `registerWorkflows` is idempotent (upserts, and deletes of the
 * subscriptions a version no longer lists), so a retry after an ambiguous
 * commit is harmless; two workers registering the same version at once both
 * succeed, the later `now` kept.
 */
import {
  newestRegistration,
  type SignalTargetRow,
  type SubscriptionReadRow,
  toRegistryRows,
  toSignalTarget,
  toSubscriptionRecord,
} from "../registry-rows.js";
import type { Store } from "../store.js";
import type { PostgresContext } from "./postgres-context.js";

/** The registry verbs of the PostgreSQL store. */
export type PostgresRegistry = Pick<
  Store,
  "registerWorkflows" | "listSubscriptions" | "hasSignalSchemas" | "getSignalTarget"
>;

/** The statements, for tables in schema `t` (quoted). */
function registrySql(t: string) {
  return {
    // $1 workflows rows, $2 subscription rows, $3 now
    register: `WITH w AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb)
          AS x(name text, version text, timeout_ms bigint, input_schema text, signal_schemas text, queue text)
      ),
      s AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(event text, workflow text, version text, match text)),
      registered AS (
        INSERT INTO ${t}.workflows (name, version, timeout_ms, input_schema, signal_schemas, queue, registered_at)
        SELECT name, version, timeout_ms, input_schema, signal_schemas, queue, $3::bigint FROM w
        ON CONFLICT (name, version) DO UPDATE SET timeout_ms = EXCLUDED.timeout_ms, queue = EXCLUDED.queue,
          input_schema = EXCLUDED.input_schema, signal_schemas = EXCLUDED.signal_schemas,
          registered_at = GREATEST(${t}.workflows.registered_at, EXCLUDED.registered_at)
      ),
      dropped AS (
        DELETE FROM ${t}.subscriptions d USING w
        WHERE d.workflow = w.name AND d.version = w.version
          AND NOT EXISTS (SELECT 1 FROM s WHERE s.event = d.event AND s.workflow = d.workflow AND s.version = d.version)
      )
      INSERT INTO ${t}.subscriptions (event, workflow, version, match)
      SELECT event, workflow, version, match FROM s
      ON CONFLICT (event, workflow, version) DO UPDATE SET match = EXCLUDED.match`,
    subscriptions: `SELECT s.event, s.workflow, s.version, s.match, w.timeout_ms, w.input_schema, w.queue
      FROM ${t}.subscriptions s JOIN ${t}.workflows w ON w.name = s.workflow AND w.version = s.version
      WHERE s.event = $1 AND ${newestRegistration(`${t}.`)}
      ORDER BY s.workflow`,
    anySignalSchemas: `SELECT 1 AS found FROM ${t}.workflows WHERE signal_schemas IS NOT NULL LIMIT 1`,
    signalTarget: `SELECT r.workflow, r.version, w.signal_schemas FROM ${t}.runs r
      LEFT JOIN ${t}.workflows w ON w.name = r.workflow AND w.version = r.version WHERE r.id = $1`,
  };
}

/** The registry verbs on tables in schema `t`. */
export function createPostgresRegistry(ctx: PostgresContext): PostgresRegistry {
  const { t, query, run } = ctx;
  const sql = registrySql(t);
  return {
    registerWorkflows(workflows, now) {
      const rows = toRegistryRows(workflows);
      return run(async () => {
        await query(sql.register, [JSON.stringify(rows.workflows), JSON.stringify(rows.subscriptions), now]);
      });
    },
    listSubscriptions(event) {
      return run(async () => (await query<SubscriptionReadRow>(sql.subscriptions, [event])).map(toSubscriptionRecord));
    },
    hasSignalSchemas() {
      return run(async () => (await query(sql.anySignalSchemas)).length > 0);
    },
    getSignalTarget(runId, name) {
      return run(async () => {
        const [row] = await query<SignalTargetRow>(sql.signalTarget, [runId]);
        return row ? toSignalTarget(row, name) : undefined;
      });
    },
  };
}
