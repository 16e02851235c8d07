/**
 * The checks of the multi-worker test, once every run finished: each run's
 * status, output and history, and the ledgers written by the step bodies
 * against the histories. Returns what is wrong (nothing, when all is well)
 * and figures on what the engine did (re-executions, attempts, takeovers).
 */
import { isDeepStrictEqual } from "node:util";
import type { Engine, HistoryEvent } from "baton";
import type { LedgerRow } from "../../process-harness.js";
import { expectedOutput, expectedStepValues, runIdOf, type StepResult, stepNames } from "./workflow.js";

/**
 * How far apart the database clocks of two worker processes may be, in ms
 * (each measures the database's clock to within half a round trip).
 */
export const clockToleranceMs = 2;

/**
 * How long after its worker resumed from a freeze a body may start whose
 * worker checked its lease just before the freeze, in ms (see `Resume`).
 */
export const resumeToleranceMs = 50;

/**
 * When a frozen worker resumed. A worker stopped between its last check of
 * the lease and a body's first line starts that body as it resumes, even if
 * another worker completed the step meanwhile: no lease closes that instant
 * (the conformance suite checks that a worker looks at its lease before every
 * body). The check accepts one such start per freeze, within
 * `resumeToleranceMs` of the resume.
 */
export interface Resume {
  generation: number;
  /** Epoch ms, just before SIGCONT. */
  at: number;
}

/** What the engine did, as the histories and ledgers show it. */
export interface Figures {
  runs: number;
  completedSteps: number;
  ledgerRows: number;
  /** Steps whose body started more than once. */
  stepsRunMoreThanOnce: number;
  /** Body starts beyond the first, in all. */
  extraExecutions: number;
  /** `step.started` events with an attempt above 1. */
  laterAttempts: number;
  /** Steps completed by an attempt above 1. */
  completedByLaterAttempt: number;
  maxAttempt: number;
  /** Time from one attempt's start to the next attempt's start of the same step, in ms. */
  takeoverGapsMs: number[];
  /** Steps completed, by worker generation. */
  completedByGeneration: Map<number, number>;
  /** Ledger rows whose attempt did not complete its step (the worker died, froze, or lost the run). */
  overtaken: LedgerRow[];
  /** Bodies of an earlier attempt that started as their worker resumed, after a later attempt completed the step. */
  startedAtResume: string[];
}

/** A step's key in the ledger and the maps below. */
const keyOf = (runId: string, position: number) => `${runId}:${position}`;

/**
 * Checks runs 0 to `runCount` - 1 and the ledger rows; `generations` is the
 * number of worker processes spawned, `resumes` when frozen ones resumed.
 */
export async function checkRuns(
  client: Engine,
  runCount: number,
  rows: LedgerRow[],
  generations: number,
  resumes: Resume[],
): Promise<{ problems: string[]; figures: Figures }> {
  /** Resumes that already account for a body started at them. */
  const usedResumes = new Set<Resume>();
  const problems: string[] = [];
  const figures: Figures = {
    runs: 0,
    completedSteps: 0,
    ledgerRows: rows.length,
    stepsRunMoreThanOnce: 0,
    extraExecutions: 0,
    laterAttempts: 0,
    completedByLaterAttempt: 0,
    maxAttempt: 0,
    takeoverGapsMs: [],
    completedByGeneration: new Map(),
    overtaken: [],
    startedAtResume: [],
  };

  // ---- each (run, position, attempt) ran in one process at most ------------------------------------------------
  const rowsByStep = new Map<string, LedgerRow[]>();
  const attemptsSeen = new Map<string, LedgerRow>();
  for (const row of rows) {
    const key = keyOf(row.runId, row.position);
    rowsByStep.set(key, [...(rowsByStep.get(key) ?? []), row]);
    const attemptKey = `${key}#${row.attempt}`;
    const first = attemptsSeen.get(attemptKey);
    if (first) {
      problems.push(
        `${attemptKey}: the same attempt ran twice, in worker ${first.generation} (pid ${first.pid}) ` +
          `and in worker ${row.generation} (pid ${row.pid})`,
      );
    } else attemptsSeen.set(attemptKey, row);
  }

  const knownSteps = new Set<string>();
  for (let n = 0; n < runCount; n++) {
    const id = runIdOf(n);
    const run = await client.getRun(id);
    figures.runs++;
    if (run.status !== "completed") {
      problems.push(`${id}: status ${run.status} ${JSON.stringify(run.error ?? null)}`);
      continue;
    }
    if (!isDeepStrictEqual(run.output, expectedOutput(n))) {
      problems.push(`${id}: output ${JSON.stringify(run.output)}, expected ${JSON.stringify(expectedOutput(n))}`);
    }
    const history = await client.getHistory(id);
    checkHistoryShape(id, history, problems);
    const values = expectedStepValues(n);

    for (let position = 0; position < stepNames.length; position++) {
      const name = stepNames[position] as string;
      const key = keyOf(id, position);
      knownSteps.add(key);
      const started = history.filter((e) => e.type === "step.started" && e.position === position);
      const completed = history.filter((e) => e.type === "step.completed" && e.position === position);
      if (completed.length !== 1) {
        problems.push(`${key} (${name}): ${completed.length} step.completed events, expected exactly 1`);
        continue;
      }
      const completion = completed[0] as HistoryEvent;
      const attempt = completion.attempt as number;
      const output = completion.output as StepResult;
      figures.completedSteps++;
      if (completion.name !== name)
        problems.push(`${key}: completed step is named ${completion.name}, expected ${name}`);
      if (output?.value !== values[name]) {
        problems.push(`${key} (${name}): recorded value ${output?.value}, expected ${values[name]}`);
      }
      if (!Number.isInteger(output?.generation) || output.generation < 0 || output.generation >= generations) {
        problems.push(`${key} (${name}): recorded generation ${output?.generation}`);
        continue;
      }
      figures.completedByGeneration.set(
        output.generation,
        (figures.completedByGeneration.get(output.generation) ?? 0) + 1,
      );

      // ---- attempts in the history: 1, 2, ... k, each once; the last one completed the step ----------------------
      const startedAttempts = started.map((e) => e.attempt as number);
      const expectedAttempts = startedAttempts.map((_, i) => i + 1);
      if (!isDeepStrictEqual(startedAttempts, expectedAttempts)) {
        problems.push(`${key} (${name}): step.started attempts ${startedAttempts.join(",")}, expected 1 to k in order`);
      }
      const last = started.at(-1);
      if (last?.attempt !== attempt || last.seq > completion.seq) {
        problems.push(
          `${key} (${name}): completed by attempt ${attempt}; started attempts ${startedAttempts.join(",")}`,
        );
      }
      figures.maxAttempt = Math.max(figures.maxAttempt, ...startedAttempts);
      figures.laterAttempts += startedAttempts.filter((a) => a > 1).length;
      if (attempt > 1) figures.completedByLaterAttempt++;
      for (let i = 1; i < started.length; i++) {
        figures.takeoverGapsMs.push(
          (started[i] as HistoryEvent).at.getTime() - (started[i - 1] as HistoryEvent).at.getTime(),
        );
      }

      // ---- the ledger against the history ------------------------------------------------------------------------
      const executions = rowsByStep.get(key) ?? [];
      const completing = executions.filter((row) => row.attempt === attempt);
      if (completing.length !== 1 || completing[0]?.generation !== output.generation) {
        problems.push(
          `${key} (${name}): completed by attempt ${attempt} of worker ${output.generation}, but the ledger has ` +
            `${JSON.stringify(completing)} for that attempt`,
        );
      }
      const completedAt = completion.at.getTime();
      for (const row of executions) {
        if (row.name !== name) problems.push(`${key}: ledger row names ${row.name}, expected ${name}`);
        if (!startedAttempts.includes(row.attempt)) {
          problems.push(
            `${key} (${name}): attempt ${row.attempt} ran in worker ${row.generation} without a committed step.started`,
          );
        }
        if (row.attempt > attempt) {
          problems.push(
            `${key} (${name}): attempt ${row.attempt} ran in worker ${row.generation} after the step was completed ` +
              `by attempt ${attempt}`,
          );
        } else if (row.attempt < attempt && row.at > completedAt + clockToleranceMs) {
          const late =
            `${key} (${name}): attempt ${row.attempt} started in worker ${row.generation} (pid ${row.pid}) ` +
            `${Math.round(row.at - completedAt)} ms after attempt ${attempt} completed the step ` +
            `(at ${new Date(completedAt).toISOString()}, worker ${output.generation})`;
          const resume = resumes.find(
            (r) =>
              !usedResumes.has(r) &&
              r.generation === row.generation &&
              row.at >= r.at - clockToleranceMs &&
              row.at <= r.at + resumeToleranceMs,
          );
          if (resume) {
            usedResumes.add(resume);
            figures.startedAtResume.push(`${late}, ${Math.round(row.at - resume.at)} ms after its worker resumed`);
          } else {
            problems.push(late);
          }
        }
        if (row.attempt !== attempt) figures.overtaken.push(row);
      }
      if (executions.length > 1) {
        figures.stepsRunMoreThanOnce++;
        figures.extraExecutions += executions.length - 1;
      }
    }
  }
  for (const key of rowsByStep.keys()) {
    if (!knownSteps.has(key)) problems.push(`${key}: the ledger has executions of a step no run has`);
  }
  return { problems, figures };
}

/** The history holds only step attempts and completions between its start and a single, last `run.completed`. */
function checkHistoryShape(id: string, history: HistoryEvent[], problems: string[]): void {
  const types = history.map((event) => event.type);
  if (types[0] !== "run.started" || types.filter((type) => type === "run.started").length !== 1) {
    problems.push(`${id}: history does not begin with a single run.started: ${types.join(",")}`);
  }
  if (types.at(-1) !== "run.completed" || types.filter((type) => type === "run.completed").length !== 1) {
    problems.push(`${id}: history does not end with a single run.completed: ${types.join(",")}`);
  }
  const unexpected = types.filter(
    (type) => !["run.started", "step.started", "step.completed", "run.completed"].includes(type),
  );
  if (unexpected.length > 0) problems.push(`${id}: unexpected events in the history: ${unexpected.join(",")}`);
  const seqs = history.map((event) => event.seq);
  if (
    !isDeepStrictEqual(
      seqs,
      seqs.map((_, i) => i + 1),
    )
  ) {
    problems.push(`${id}: history seqs ${seqs.join(",")}`);
  }
}
