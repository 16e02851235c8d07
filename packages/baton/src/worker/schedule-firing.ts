/**
 * The scheduler of one engine: fires the due schedules of the workflows its
 * worker has code for, creating their runs through the store (the worker
 * then claims them as any other run).
 *
 * When it looks (no busy polling):
 * - at the earliest next fire time of the store's schedules, on the clock
 *   (`Clock.setTimer`: a test clock moves it);
 * - when told a schedule changed: by this process directly (`changed()`),
 *   by another process through a store notice (`schedules`), or after a
 *   lost connection (`reconnected`); a store without notices is read every
 *   poll interval;
 * - while a run waits for its previous one to finish (buffer-one): when this
 *   worker ends a run of a schedule (`runFinished`), and every poll interval
 *   for runs other workers end.
 *
 * Exactly one run per fire time, however many schedulers race: the run's id
 * is `<schedule id>@<ISO fire time>`, and a firing applies only under a
 * compare-and-set on the schedule's revision (see `Store.fireSchedules`).
 */
import type { Clock } from "../clock.js";
import { toMilliseconds } from "../duration.js";
import { planFire } from "../schedule-plan.js";
import { type ScheduleTiming, toTiming } from "../schedule-times.js";
import type { NewRun, ScheduleFire, ScheduleRecord, Store } from "../store/store.js";
import { isFinished } from "../types.js";
import type { Workflow } from "../workflow.js";

/** Schedules fired per store read and write (one statement on PostgreSQL); more due ones are read at once after. */
const batchSize = 500;

/** What the scheduler needs of its engine. */
export interface ScheduleFiringOptions {
  store: Store;
  clock: Clock;
  workflows: Map<string, Workflow>;
  pollIntervalMs: number;
  log: (message: string, error?: unknown) => void;
  /** Runs were created: claim soon. */
  created: () => void;
  /** A run was asked to cancel (cancel-previous). */
  cancelled: (runId: string) => void;
}

/** The id of the run of schedule `scheduleId` for fire time `at`: `<schedule id>@<ISO fire time>`. */
export function scheduledRunId(scheduleId: string, at: number): string {
  return `${scheduleId}@${new Date(at).toISOString()}`;
}

/** When a stored schedule fires. */
export function timingOf(
  schedule: Pick<ScheduleRecord, "cron" | "every" | "timezone" | "startAt" | "endAt">,
): ScheduleTiming {
  return toTiming(schedule);
}

/** The run of `schedule` for fire time `at`, as created at `now`. */
export function scheduledRun(schedule: ScheduleRecord, workflow: Workflow, at: number, now: number): NewRun {
  const run: NewRun = {
    id: scheduledRunId(schedule.id, at),
    workflow: workflow.name,
    version: workflow.version,
    input: schedule.input,
    history: [{ type: "run.started", at: now, input: schedule.input }],
    scheduleId: schedule.id,
    scheduledAt: at,
  };
  const timeout = workflow.options.timeout;
  if (timeout !== undefined) run.timeoutMs = toMilliseconds(timeout);
  // The run joins its workflow's queue, within that queue's limits.
  const queue = workflow.options.queue;
  if (queue !== undefined && queue !== "default") run.queue = queue;
  return run;
}

/** Fires due schedules; see the module's header. */
export class ScheduleFiring {
  private running = false;
  private ticking?: Promise<void>;
  private again = false;
  private cancelTimer?: () => void;
  private pollTimer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  /** Some schedule has a run waiting for its previous one to finish (buffer-one). */
  private buffered = false;

  constructor(private readonly options: ScheduleFiringOptions) {}

  /** True when no firing is under way (the test kit skips time only then). */
  get idle(): boolean {
    return this.ticking === undefined;
  }

  /** Begins firing; resolves once the first look at the store is done (its timer armed). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.store.subscribe?.((notice) => {
      if (notice.kind === "schedules" || notice.kind === "reconnected") this.changed();
    });
    this.changed();
    await this.ticking;
  }

  /** Stops firing; resolves once a firing under way is done. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.cancelTimer?.();
    clearTimeout(this.pollTimer);
    await this.ticking;
  }

  /** A schedule changed (or may have): look again now. */
  changed(): void {
    if (!this.running) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick().finally(() => {
      this.ticking = undefined;
      if (this.again) {
        this.again = false;
        this.changed();
      }
    });
  }

  /** A run ended in this process: a run of a schedule waiting for it (buffer-one) may start. */
  runFinished(runId: string): void {
    if (this.buffered && runId.includes("@")) this.changed();
  }

  private async tick(): Promise<void> {
    const { store, clock, workflows } = this.options;
    const names = [...workflows.keys()];
    if (names.length === 0) return;
    let retryMs: number | undefined;
    try {
      for (;;) {
        const now = clock.now();
        const due = await store.listDueSchedules(now, batchSize, names);
        let earliest = due.nextFireAt;
        if (!this.running) return;
        const fires = due.schedules.map((schedule) => this.plan(schedule, now)).filter((fire) => fire !== undefined);
        const results = await store.fireSchedules(fires, now);
        const progress = fires.length > 0;
        let reread = false;
        fires.forEach((fire, i) => {
          const result = results[i];
          if (!result) {
            reread = true; // another worker fired it, or it changed
            return;
          }
          if (result.cancelled && fire.cancelRunId !== undefined) this.options.cancelled(fire.cancelRunId);
          if (fire.nextFireAt !== undefined && (earliest === undefined || fire.nextFireAt < earliest)) {
            earliest = fire.nextFireAt;
          }
        });
        if (results.some((result) => result && result.created.length > 0)) this.options.created();
        // A full page, or a schedule another worker fired or changed meanwhile: read again.
        if (progress && (reread || due.schedules.length === batchSize)) continue;
        this.buffered = due.buffered;
        this.arm(earliest);
        break;
      }
    } catch (error) {
      this.options.log("firing schedules failed; trying again", error);
      retryMs = Math.max(this.options.pollIntervalMs, 1000);
    }
    this.armPoll(retryMs);
  }

  /**
   * What firing a due schedule writes now (see `planFire`); undefined when
   * its stored definition cannot be read (it is left as it is) or this
   * engine lacks its workflow.
   */
  private plan(schedule: ScheduleRecord, now: number): ScheduleFire | undefined {
    const workflow = this.options.workflows.get(schedule.workflow);
    if (!workflow) return undefined;
    let timing: ScheduleTiming;
    try {
      timing = timingOf(schedule);
    } catch (error) {
      this.options.log(`schedule "${schedule.id}" cannot be read; it is not fired`, error);
      return undefined;
    }
    const previousOpen = schedule.lastRunStatus !== undefined && !isFinished(schedule.lastRunStatus);
    const plan = planFire(
      {
        timing,
        overlap: schedule.overlap,
        catchup: schedule.catchup,
        nextFireAt: schedule.nextFireAt,
        bufferedAt: schedule.bufferedAt,
        previousOpen,
      },
      now,
    );
    const runs = plan.runs.map((at) => scheduledRun(schedule, workflow, at, now));
    const last = runs[runs.length - 1];
    return {
      id: schedule.id,
      revision: schedule.revision,
      nextFireAt: plan.nextFireAt,
      lastFireAt: plan.lastFireAt,
      lastRunId: last?.id,
      skipped: plan.skipped.length,
      lastSkippedAt: plan.skipped[plan.skipped.length - 1],
      bufferedAt: plan.bufferedAt,
      cancelRunId: plan.cancelPrevious ? schedule.lastRunId : undefined,
      runs,
    };
  }

  /** Looks again at the next fire time, on the clock. */
  private arm(at: number | undefined): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (at === undefined || !this.running) return;
    this.cancelTimer = this.options.clock.setTimer(at, () => {
      this.cancelTimer = undefined;
      this.changed();
    });
  }

  /** Reads again after a poll interval (of real time) when nothing else would tell it to. */
  private armPoll(retryMs: number | undefined): void {
    clearTimeout(this.pollTimer);
    const needed = retryMs !== undefined || this.buffered || !this.options.store.subscribe;
    if (!needed || !this.running) return;
    this.pollTimer = setTimeout(() => this.changed(), retryMs ?? this.options.pollIntervalMs);
    this.pollTimer.unref?.();
  }
}
