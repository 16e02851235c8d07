import { useMemo } from "react";
import { isFinished, type Run, type Task, type TaskPage } from "../api/api-types.js";
import { isCallFinished } from "../lib/task-attempts.js";
import { listTasksPath, openStatusFilter } from "../lib/tasks-query.js";
import { useApiData } from "./use-api-data.js";

/** Polls a run's open tasks this often (ms): a lease, a heartbeat or a lapse does not change the run. */
const pollMs = 2000;
/** The most open tasks of one run fetched (the API's largest page). */
const limit = 1000;

const none: ReadonlyMap<number, Task> = new Map();

/**
 * The open tasks (`queued`, `leased`) of `run` by position, polled while
 * one of its task calls waits: who holds each, since when, its lease and
 * last heartbeat. Empty when it has none, or when the API refuses them.
 *
 * @example
 * const tasks = useRunTasks(run);
 * const held = tasks.get(step.position)?.workerId;
 */
export function useRunTasks(run: Run | undefined): ReadonlyMap<number, Task> {
  const waits =
    run !== undefined && !isFinished(run.status) && run.steps.some((s) => s.kind === "task" && !isCallFinished(s));
  const path = waits ? listTasksPath({ queue: "", status: openStatusFilter, runId: run.id }, undefined, limit) : null;
  const { data } = useApiData<TaskPage>(path, { pollMs, key: run?.updatedAt });
  return useMemo(() => (data ? new Map(data.tasks.map((task) => [task.position, task])) : none), [data]);
}
