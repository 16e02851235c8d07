/**
 * Public types of signal waits (re-exported by types.ts, whose glossary
 * defines **signal** and **run**): what `engine.listSignalWaits` answers.
 */
import type { RunStatus } from "./types.js";

/** Filter and page of `engine.listSignalWaits`. */
export interface SignalWaitFilter {
  /** Only waits of runs of this workflow. */
  workflow?: string;
  /** Only waits for the signal of this name (exact). */
  name?: string;
  /** Page size, 1 to 1000. Default 50. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * An open signal wait: a run that has not finished (`pending`, `running` or
 * `waiting`) waits at `position` for the signal `name` (`ctx.waitForSignal`),
 * which has not come and not timed out.
 */
export interface SignalWait {
  runId: string;
  workflow: string;
  version: string;
  /** Status of the run: `running` when another branch of it runs meanwhile. */
  runStatus: RunStatus;
  position: number;
  /** Name of the signal awaited. */
  name: string;
  /** When the run began to wait. */
  since: Date;
  /** When the wait times out, if it has a timeout. */
  dueAt?: Date;
  /** True when the signal's name asks a person for an approval (it contains "approv", in any case). */
  approval: boolean;
}

/** One page of open signal waits, the longest waiting first. */
export interface SignalWaitPage {
  waits: SignalWait[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
}
