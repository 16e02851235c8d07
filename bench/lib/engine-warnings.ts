/**
 * Warnings of the engines a scenario runs in the bench process (and of its
 * client engines): the first 20 are passed on as progress, the first 1,000
 * kept for the result, and all counted, so that a table can say that the
 * engine complained while it was measured (connections refused, deadlocks
 * retried...).
 */
import type { ScenarioContext } from "./scenario.js";

const passedOn = 20;
const kept = 1000;

/** Warnings of one round, with the logger to give the engines. */
export interface EngineWarnings {
  /** For `createEngine({ logger })`. */
  readonly logger: { warn(message: string, error?: unknown): void };
  /** The first 1,000 lines. */
  readonly lines: string[];
  /** How many there were. */
  readonly count: number;
}

/** A collector of warnings whose lines are prefixed with `[label]`. */
export function collectWarnings(context: ScenarioContext, label = "engine"): EngineWarnings {
  const lines: string[] = [];
  let count = 0;
  return {
    logger: {
      warn(message, error) {
        const detail = error === undefined ? "" : `: ${error instanceof Error ? error.message : String(error)}`;
        const line = `[${label}] ${message}${detail}`;
        count++;
        if (lines.length < kept) lines.push(line);
        if (count <= passedOn) context.log(line);
        if (count === passedOn + 1) context.log(`[${label}] (further warnings are counted, the first ${kept} kept)`);
      },
    },
    lines,
    get count() {
      return count;
    },
  };
}

/** Warnings of an engine in the bench process during a round (the first lines kept, all counted). */
export interface RoundWarnings {
  round: number;
  warnings: { count: number; lines: string[] };
}

/** The standard error of a round's worker processes (the first 1,000 lines) and how many lines they wrote. */
export interface RoundWorkerOutput {
  round: number;
  workerStderr: string[];
  workerStderrCount: number;
}

/** A note per round that had warnings (their number and the first), for `ScenarioResult.notes`. */
export function warningNotes(rounds: RoundWarnings[]): string[] {
  return rounds
    .filter((r) => r.warnings.count > 0)
    .map((r) => `round ${r.round}: ${r.warnings.count} warning line(s) (first: ${r.warnings.lines[0]})`);
}

/** A note per round whose worker processes wrote to standard error (how many lines, and the first). */
export function workerNotes(rounds: RoundWorkerOutput[]): string[] {
  return rounds
    .filter((r) => r.workerStderrCount > 0)
    .map(
      (r) => `round ${r.round}: ${r.workerStderrCount} warning line(s) from the workers (first: ${r.workerStderr[0]})`,
    );
}
