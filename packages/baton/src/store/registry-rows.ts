/**
 * Rows of the registry tables (`workflows`, `subscriptions`) and their
 * records, shared by every backend. JSON columns hold text.
 */
import { decodeJson, encodeJson } from "../json.js";
import type { EventMatch } from "../types.js";
import type { SignalTarget, SubscriptionRecord, WorkflowRegistration } from "./store.js";

/** A `workflows` row as written (without `registered_at`, a parameter). */
export interface WorkflowRow {
  name: string;
  version: string;
  timeout_ms: number | null;
  input_schema: string | null;
  signal_schemas: string | null;
  queue: string | null;
}

/** A `subscriptions` row. */
export interface SubscriptionRow {
  event: string;
  workflow: string;
  version: string;
  match: string | null;
}

/** What `listSubscriptions` reads: a subscription joined with its workflow version. */
export interface SubscriptionReadRow extends SubscriptionRow {
  timeout_ms: number | string | null;
  input_schema: string | null;
  queue: string | null;
}

/** What `getSignalTarget` reads. */
export interface SignalTargetRow {
  workflow: string;
  version: string;
  signal_schemas: string | null;
}

/** The rows registering `workflows`. @throws BatonError `NOT_SERIALIZABLE` */
export function toRegistryRows(workflows: WorkflowRegistration[]): {
  workflows: WorkflowRow[];
  subscriptions: SubscriptionRow[];
} {
  return {
    workflows: workflows.map((w) => ({
      name: w.workflow,
      version: w.version,
      timeout_ms: w.timeoutMs ?? null,
      queue: w.queue ?? null,
      input_schema: w.inputSchema ? encodeJson(w.inputSchema, `input schema of "${w.workflow}"`) : null,
      signal_schemas:
        w.signalSchemas && Object.keys(w.signalSchemas).length > 0
          ? encodeJson(w.signalSchemas, `signal schemas of "${w.workflow}"`)
          : null,
    })),
    subscriptions: workflows.flatMap((w) =>
      w.subscriptions.map((s) => ({
        event: s.event,
        workflow: w.workflow,
        version: w.version,
        match: s.match ? encodeJson(s.match, `match of event "${s.event}"`) : null,
      })),
    ),
  };
}

/** Maps a read subscription row to its record. */
export function toSubscriptionRecord(row: SubscriptionReadRow): SubscriptionRecord {
  const record: SubscriptionRecord = { event: row.event, workflow: row.workflow, version: row.version };
  if (row.match !== null) record.match = decodeJson(row.match) as EventMatch;
  if (row.timeout_ms !== null) record.timeoutMs = Number(row.timeout_ms);
  if (row.queue !== null) record.queue = row.queue;
  if (row.input_schema !== null) record.inputSchema = decodeJson(row.input_schema) as Record<string, unknown>;
  return record;
}

/** Maps a read signal target row, picking the schema of signal `name`. */
export function toSignalTarget(row: SignalTargetRow, name: string): SignalTarget {
  const target: SignalTarget = { workflow: row.workflow, version: row.version };
  const schemas = decodeJson(row.signal_schemas) as Record<string, Record<string, unknown>> | undefined;
  const schema = schemas && Object.hasOwn(schemas, name) ? schemas[name] : undefined;
  if (schema) target.schema = schema;
  return target;
}

/**
 * The condition (on `w`, a `workflows` row) that no other registration of
 * the same workflow is newer: registered later, or at the same time with a
 * greater version text.
 */
export const newestRegistration = (t: string) =>
  `NOT EXISTS (SELECT 1 FROM ${t}workflows n WHERE n.name = w.name
     AND (n.registered_at > w.registered_at OR (n.registered_at = w.registered_at AND n.version > w.version)))`;
