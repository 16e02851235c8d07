/**
 * Checks of one finished run of the outage test: its status and output, its
 * history, and the executions of its step bodies. Each check returns the
 * problems it found, as readable lines.
 */
import { isDeepStrictEqual } from "node:util";
import type { HistoryEvent, Run } from "baton";
import type { Execution, RunKind } from "./workflows.js";

/** Figures gathered while checking. */
export interface RunFigures {
  /** Steps with more than one recorded attempt start. */
  stepsStartedTwice: number;
  /** Step bodies that ran more than once, as `run:position` and the engines of each attempt. */
  bodiesRunTwice: string[];
}

const count = (history: HistoryEvent[], type: string, position?: number) =>
  history.filter((e) => e.type === type && (position === undefined || e.position === position)).length;

/** Problems of run `n` of `kind`, given its view, history and the executions of its steps. */
export function checkRun(
  kind: RunKind,
  n: number,
  view: Run,
  history: HistoryEvent[],
  executions: Execution[],
  figures: RunFigures,
): string[] {
  const id = kind.idOf(n);
  const problems: string[] = [];
  const problem = (text: string) => problems.push(`${id}: ${text}`);

  if (view.status !== "completed") problem(`status ${view.status} ${JSON.stringify(view.error)}`);
  if (!isDeepStrictEqual(view.output, kind.output(n))) {
    problem(`output ${JSON.stringify(view.output)}, expected ${JSON.stringify(kind.output(n))}`);
  }
  if (view.pendingSignals.length > 0) problem(`${view.pendingSignals.length} signals left unconsumed`);

  const seqs = history.map((e) => e.seq);
  if (
    !isDeepStrictEqual(
      seqs,
      Array.from({ length: history.length }, (_, i) => i + 1),
    )
  ) {
    problem(`seqs are not 1..${history.length}: ${seqs.join(",")}`);
  }
  const types = history.map((e) => e.type);
  if (types[0] !== "run.started" || count(history, "run.started") !== 1) problem(`history: ${types.join(",")}`);
  if (types.at(-1) !== "run.completed" || count(history, "run.completed") !== 1) {
    problem(`history does not end with one run.completed: ${types.join(",")}`);
  }
  for (const type of ["run.failed", "step.failed"]) {
    if (count(history, type) > 0) problem(`${count(history, type)} ${type} events`);
  }

  const values = kind.stepValues(n);
  const completed = history.filter((e) => e.type === "step.completed");
  const positions = completed.map((e) => e.position).sort((a, b) => (a ?? -1) - (b ?? -1));
  if (!isDeepStrictEqual(positions, kind.stepPositions)) {
    problem(`step.completed at positions ${positions.join(",")}, expected ${kind.stepPositions.join(",")}`);
  }
  for (const position of kind.stepPositions) {
    const done = completed.find((e) => e.position === position);
    if (done && done.output !== values.get(position)) {
      problem(`step ${position} recorded ${JSON.stringify(done.output)}, expected ${values.get(position)}`);
    }
    const starts = history.filter((e) => e.type === "step.started" && e.position === position);
    const attempts = starts.map((e) => e.attempt);
    if (
      !isDeepStrictEqual(
        attempts,
        Array.from({ length: starts.length }, (_, i) => i + 1),
      )
    ) {
      problem(`step ${position} started as attempts ${attempts.join(",")}`);
    }
    if (starts.length > 1) figures.stepsStartedTwice++;
    if (done && starts.some((e) => e.seq > done.seq)) problem(`step ${position} started again after it completed`);
    if (done && !starts.some((e) => e.attempt === done.attempt && e.seq < done.seq)) {
      problem(`step ${position} completed as attempt ${done.attempt}, which was never started`);
    }

    // Each body ran once per recorded start at most, and only for attempts whose start was recorded.
    const runs = executions.filter((e) => e.position === position);
    const ran = runs.map((e) => e.attempt);
    if (ran.length > 1) figures.bodiesRunTwice.push(`${id}:${position} ${runs.map((e) => e.engine).join(",")}`);
    if (new Set(ran).size !== ran.length) problem(`step ${position} ran the same attempt twice: ${ran.join(",")}`);
    for (const attempt of ran) {
      if (!attempts.includes(attempt)) problem(`step ${position} ran attempt ${attempt}, whose start is not recorded`);
    }
    if (done && !ran.includes(done.attempt as number)) {
      problem(`step ${position} completed as attempt ${done.attempt}, which never ran here`);
    }
  }

  if (kind.sleepPosition !== undefined) {
    const at = kind.sleepPosition;
    if (count(history, "timer.set", at) !== 1 || count(history, "timer.fired", at) !== 1) {
      problem(`timer at ${at}: ${count(history, "timer.set", at)} set, ${count(history, "timer.fired", at)} fired`);
    }
  }
  const received = history.filter((e) => e.type === "signal.received");
  if (kind.signalPosition === undefined) {
    if (received.length > 0) problem(`${received.length} signals received`);
  } else if (
    received.length !== 1 ||
    received[0]?.position !== kind.signalPosition ||
    !isDeepStrictEqual(received[0]?.payload, kind.payload?.(n))
  ) {
    problem(`signal.received events ${JSON.stringify(received)}`);
  }
  for (const position of new Set(executions.map((e) => e.position))) {
    if (!kind.stepPositions.includes(position)) problem(`a step body ran at position ${position}`);
  }
  return problems;
}
