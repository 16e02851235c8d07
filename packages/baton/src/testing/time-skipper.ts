import type { SkippingClock } from "./skipping-clock.js";

/** What the skipper asks of its test engine. */
export interface SkipperHost {
  /** Nothing is under way: no step body, write, claim or engine call; the engine is started. */
  idle(): boolean;
  /** A step body is running: time goes by as real time does. */
  bodyRunning(): boolean;
  /** Work other than a step body is under way (a write, a claim, a firing of schedules): a manual skip waits for it. */
  storeWork(): boolean;
  /** Time may skip by itself now (see `TestEngineOptions.autoSkip`). */
  allowed(): boolean;
  /** Called before time jumps to `to` (the engine extends its leases past it). */
  beforeJump(to: number): Promise<void>;
}

/** Turns of the event loop the engine must stay idle before time skips. */
const quietTurns = 5;
/** Turns a manual skip waits at most, after each timer it fires, for a step body it started. */
const settleTurns = 200;
/** Real time a manual skip waits at most, after each timer it fires, for the other work it started. */
const settleMs = 2000;
/** How often a busy engine is looked at again while a timer is pending, in ms. */
const busyPollMs = 2;

const ignore = () => {};
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Moves a `SkippingClock`: to its next timer whenever its engine is idle
 * and skipping is allowed; with real time while a step body runs, so a
 * step timeout fires as it would; and by hand (`skip`). Time never skips
 * while the engine is busy (a step body runs, a write, claim or call of the
 * test is under way), and otherwise stands still.
 */
export class TimeSkipper {
  private timer?: NodeJS.Timeout;
  private checking = false;
  /** Real time (`Date.now()`) up to which busy time has been added to the clock. */
  private flowedAt = Date.now();
  private stopped = false;
  /** Manual skips, one after the other; automatic skips wait for them. */
  private manual?: Promise<void>;

  constructor(
    private readonly clock: SkippingClock,
    private readonly host: SkipperHost,
  ) {}

  /** Looks soon whether time can skip (a timer was set, the test awaits a result, a call ended). */
  wake(delayMs = 0): void {
    if (this.stopped || this.timer) return;
    // Asleep until now: the engine was idle, and time stood still, up to here.
    if (!this.checking) this.flowedAt = Date.now();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.check().catch(() => this.wake(busyPollMs)); // the leases could not be extended: try again
    }, delayMs);
  }

  /** Skips no more. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Moves time forward by `ms`, firing the timers due on the way in order,
   * each at its due time, and letting the work each starts settle before the next.
   */
  skip(ms: number): Promise<void> {
    const previous = this.manual ?? Promise.resolve();
    const run = previous.then(async () => {
      await this.settle(); // what the test started before (a run, a schedule) sets its timers first
      const target = this.clock.now() + ms;
      await this.host.beforeJump(target);
      for (let next = this.clock.next(); next !== undefined && next <= target; next = this.clock.next()) {
        this.clock.jumpTo(next);
        await this.settle();
      }
      this.clock.jumpTo(target);
      await this.settle();
    });
    // Settles either way (a failed skip lets the next one go), and is never left rejected.
    const done = run.then(ignore, ignore).finally(() => {
      if (this.manual === done) this.manual = undefined;
      this.wake();
    });
    this.manual = done;
    return run;
  }

  private async check(): Promise<void> {
    if (this.checking || this.manual || this.stopped) return;
    this.checking = true;
    try {
      if (!this.host.idle()) {
        // Busy: while a step body runs, time goes by as real time does (its
        // timeout fires as it would); while the engine writes, it stands still.
        if (this.host.bodyRunning()) this.flow();
        else this.flowedAt = Date.now();
        this.wake(busyPollMs);
        return;
      }
      this.flowedAt = Date.now(); // idle: time stands still
      if (!this.host.allowed() || this.clock.next() === undefined) return; // woken again by a timer, call or result()
      if (!(await this.quiet())) {
        this.wake(busyPollMs);
        return;
      }
      const next = this.clock.next();
      if (next === undefined || this.manual || this.stopped || !this.host.allowed()) return;
      await this.host.beforeJump(next);
      if (!this.host.idle() || this.manual || this.stopped || this.clock.next() !== next) {
        this.wake(busyPollMs);
        return;
      }
      this.clock.jumpTo(next);
      this.flowedAt = Date.now();
      this.wake();
    } finally {
      this.checking = false;
    }
  }

  /** Moves the clock on by the real time since it last moved. */
  private flow(): void {
    const now = Date.now();
    const elapsed = now - this.flowedAt;
    this.flowedAt = now;
    if (elapsed > 0) this.clock.jumpTo(this.clock.now() + elapsed);
  }

  /** True when the engine stayed idle for `quietTurns` turns of the event loop. */
  private async quiet(): Promise<boolean> {
    for (let i = 0; i < quietTurns; i++) {
      if (!this.host.idle()) return false;
      await turn();
    }
    return this.host.idle();
  }

  /**
   * Waits until the engine is quiet. A step body may run on: after
   * `settleTurns` turns it is not waited for. Other work (a write, a claim,
   * a firing of schedules: each a round trip to the store, which a turn of
   * the event loop may not cover) is, for up to `settleMs` of real time.
   */
  private async settle(): Promise<void> {
    let quiet = 0;
    const until = Date.now() + settleMs;
    for (let i = 0; quiet < quietTurns; i++) {
      if (i >= settleTurns && !(this.host.storeWork() && Date.now() <= until)) return;
      quiet = this.host.idle() ? quiet + 1 : 0;
      await turn();
    }
  }
}
