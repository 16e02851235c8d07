import { useApi } from "../api/api-context.js";
import type { HumanTask, Run } from "../api/api-types.js";
import { formatFromNow } from "../lib/format.js";
import { describeWhom, type HumanTaskCall } from "../lib/human-task-calls.js";
import { humanTaskHref } from "../lib/route.js";

/** Props of `HumanTaskBanner`. */
export interface HumanTaskBannerProps {
  run: Run;
  /** The run's human task calls, from its history, by position. */
  calls: ReadonlyMap<number, HumanTaskCall>;
  /** Its open human tasks, by position. */
  humanTasks: ReadonlyMap<number, HumanTask>;
  now: number;
}

/**
 * The way to answer a run that waits for a person: each of its human task
 * calls that waits, with its title, whom it is for, when it is due, and a
 * link to it in the inbox (where its form is). Nothing when none waits.
 */
export function HumanTaskBanner({ run, calls, humanTasks, now }: HumanTaskBannerProps) {
  const { canAct } = useApi();
  const waiting = run.steps.filter((step) => step.kind === "human_task" && step.status === "waiting");
  if (waiting.length === 0) return null;
  return (
    <section className="human-task-banner" aria-label="Waiting for a person">
      <h2>Waiting for a person</h2>
      <ul className="plain-list">
        {waiting.map((step) => {
          const task = humanTasks.get(step.position);
          const call = calls.get(step.position);
          const id = `${run.id}:${step.position}`;
          return (
            <li key={step.position}>
              <span className="human-task-title">{task?.title ?? call?.title ?? step.name}</span>{" "}
              <span className="muted">
                for {describeWhom(task ?? call ?? {})}
                {step.dueAt ? `, due ${formatFromNow(step.dueAt, now)}` : ""}
              </span>{" "}
              <a className="button primary" href={humanTaskHref(id)} aria-label={`Open human task ${id} in the inbox`}>
                {canAct ? "Answer in the inbox →" : "See it in the inbox →"}
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
