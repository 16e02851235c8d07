import type { Run, RunSummary } from "baton";

/** The summary fields of a run (what listings and watch messages carry). */
export function toRunSummary(run: Run): RunSummary {
  const { id, workflow, version, status, parentId, createdAt, updatedAt, finishedAt } = run;
  const { queue, concurrencyKey, priority, startedAt, startAt, scheduleId, scheduledAt } = run;
  return {
    id,
    workflow,
    version,
    status,
    ...(parentId !== undefined ? { parentId } : {}),
    createdAt,
    updatedAt,
    ...(finishedAt !== undefined ? { finishedAt } : {}),
    queue,
    ...(concurrencyKey !== undefined ? { concurrencyKey } : {}),
    priority,
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(startAt !== undefined ? { startAt } : {}),
    ...(scheduleId !== undefined ? { scheduleId } : {}),
    ...(scheduledAt !== undefined ? { scheduledAt } : {}),
  };
}
