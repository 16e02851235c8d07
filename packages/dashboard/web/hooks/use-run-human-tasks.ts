import { useMemo } from "react";
import { type HumanTask, type HumanTaskPage, isFinished, type Run } from "../api/api-types.js";
import { listHumanTasksPath, openHumanTaskFilter } from "../lib/inbox-query.js";
import { isCallFinished } from "../lib/task-attempts.js";
import { useApiData } from "./use-api-data.js";

/** The most open human tasks of one run fetched (the API's largest page). */
const limit = 1000;

const none: ReadonlyMap<number, HumanTask> = new Map();

/**
 * The open human tasks of `run` by position, fetched while one of its human
 * task calls waits, and again at each change of the run (a reminder, a
 * reassignment or an answer is recorded in its history): whom each is for
 * now, when it is due and when its reminder comes. Empty when it has none,
 * or when the API refuses them.
 *
 * @example
 * const humanTasks = useRunHumanTasks(run);
 * const remindAt = humanTasks.get(step.position)?.remindAt;
 */
export function useRunHumanTasks(run: Run | undefined): ReadonlyMap<number, HumanTask> {
  const waits =
    run !== undefined &&
    !isFinished(run.status) &&
    run.steps.some((s) => s.kind === "human_task" && !isCallFinished(s));
  const path = waits
    ? listHumanTasksPath({ status: openHumanTaskFilter, assignee: "", role: "", runId: run.id }, undefined, limit)
    : null;
  const { data } = useApiData<HumanTaskPage>(path, { key: run?.updatedAt });
  return useMemo(() => (data ? new Map(data.humanTasks.map((task) => [task.position, task])) : none), [data]);
}
