import { roundTrip } from "../json.js";
import type { NewRun, RunRecord } from "./store.js";

/**
 * A run as a store holds it right after `createRun` wrote it at `now`
 * (leased to `run.lease` when given), with its own copy of the input
 * (`input`: one the caller already decoded from what it wrote).
 */
export function newRunRecord(
  run: NewRun,
  now: number,
  input: unknown = roundTrip(run.input, `input of run "${run.id}"`),
): RunRecord {
  return {
    id: run.id,
    workflow: run.workflow,
    version: run.version,
    status: run.lease ? "running" : "pending",
    input,
    output: undefined,
    error: undefined,
    parentId: run.parentId,
    createdAt: now,
    updatedAt: now,
    finishedAt: undefined,
    timeoutMs: run.timeoutMs,
    deadlineAt: run.timeoutMs === undefined ? undefined : now + run.timeoutMs,
    wakeAt: run.startAt,
    cancelRequested: false,
    pokeSeq: 0,
    seenPokeSeq: 0,
    lastSeq: run.history.length,
    leaseOwner: run.lease?.owner,
    leaseToken: run.lease ? 1 : 0,
    leaseExpiresAt: run.lease?.expiresAt,
    queue: run.queue ?? "default",
    concurrencyKey: run.concurrencyKey,
    priority: run.priority ?? 0,
    startedAt: run.lease ? now : undefined,
    scheduleId: run.scheduleId,
    scheduledAt: run.scheduledAt,
  };
}
