import type { Run, RunSummary } from "baton";

/** The summary fields of a run (what listings and watch messages carry). */
export function toRunSummary(run: Run): RunSummary {
  const { id, workflow, version, status, parentId, createdAt, updatedAt, finishedAt, scheduleId, scheduledAt } = run;
  return {
    id,
    workflow,
    version,
    status,
    ...(parentId !== undefined ? { parentId } : {}),
    createdAt,
    updatedAt,
    ...(finishedAt !== undefined ? { finishedAt } : {}),
    ...(scheduleId !== undefined ? { scheduleId } : {}),
    ...(scheduledAt !== undefined ? { scheduledAt } : {}),
  };
}
