import type { CallInfo, Run } from "@baton/server/wire-types";
import { isFinished } from "baton";
import type { Colors } from "./colors.js";
import { colorStatus, formatError } from "./format-run.js";
import { elapsed, formatDuration, formatTime } from "./format-time.js";

/**
 * One line for each thing that changed from `before` to `after` (two reads
 * of one run): the run's status, a step that appeared or changed status, a
 * failed attempt, a compensation; and the output or error once the run has
 * finished. With no `before`, the run as it is.
 *
 * @example
 * describeChanges(c, before, after); // ["step 1 charge completed in 120ms", "run waiting"]
 */
export function describeChanges(c: Colors, before: Run | undefined, after: Run): string[] {
  const lines: string[] = [];
  if (!before) lines.push(`run ${after.id} ${after.workflow}@${after.version} ${colorStatus(c, after.status)}`);
  for (const step of after.steps) {
    lines.push(
      ...describeStep(
        c,
        before?.steps.find((old) => old.position === step.position),
        step,
      ),
    );
  }
  const changed = before?.status !== after.status;
  if (before && changed) lines.push(`run ${colorStatus(c, after.status)}`);
  if (changed && isFinished(after.status)) {
    if (after.output !== undefined) lines.push(`output ${JSON.stringify(after.output)}`);
    if (after.error) lines.push(`error ${c.red(formatError(after.error))}`);
  }
  return lines;
}

function describeStep(c: Colors, before: CallInfo | undefined, step: CallInfo): string[] {
  const lines: string[] = [];
  const name = `step ${step.position} ${step.kind === "step" ? "" : `${step.kind} `}${step.name}`;
  for (const attempt of step.attempts) {
    const old = before?.attempts.find((a) => a.attempt === attempt.attempt);
    if (attempt.status !== "failed" || old?.status === "failed") continue;
    const retry = attempt.retryAt ? `; retry at ${formatTime(attempt.retryAt, true)}` : "";
    lines.push(`${name}: attempt ${attempt.attempt} ${c.red("failed")}: ${formatError(attempt.error)}${retry}`);
  }
  if (before?.status !== step.status) {
    const took = step.finishedAt ? ` in ${formatDuration(elapsed(step.startedAt, step.finishedAt))}` : "";
    const error = step.status === "failed" && step.error ? `: ${formatError(step.error)}` : "";
    const child = step.childId && !before ? ` (run ${step.childId})` : "";
    lines.push(`${name} ${colorStatus(c, step.status)}${took}${child}${error}`);
  }
  const compensation = step.compensation?.status;
  if (compensation && before?.compensation?.status !== compensation) {
    lines.push(`${name}: compensation ${colorStatus(c, compensation)}`);
  }
  return lines;
}
