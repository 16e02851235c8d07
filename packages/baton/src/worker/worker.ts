import { BatonError } from "../errors.js";
import { trackOpen } from "../open-resources.js";
import { handsSlotsOn, yieldsSlotWhileWaiting } from "../store/queue-picks.js";
import type { ClaimedRun, CreateRunResult, NewRun, StoreNotice, UnreadableRun } from "../store/store.js";
import { ErrorBackoff } from "./error-backoff.js";
import { chooseEvictions } from "./evictions.js";
import { cancelChildRun } from "./executor-host.js";
import { failUnreadableRun } from "./fail-unreadable.js";
import { type LagProbe, startLagProbe } from "./lag-probe.js";
import { renewHeldLeases } from "./lease-renewal.js";
import { createLeasedCreation, leasedRun } from "./leased-creation.js";
import { type ExecutorHost, RunExecutor } from "./run-executor.js";
import type { JournalCreation } from "./run-journal.js";
import { renewIntervalMs, type StartLease, type WorkerOptions } from "./worker-options.js";
import { WorkflowLookup } from "./workflow-lookup.js";

export type { StartLease, WorkerOptions } from "./worker-options.js";

/** The longest wait before a run that stopped on an error is tried again, in ms. */
const maxErrorBackoffMs = 5 * 60_000;

/**
 * Claims runnable runs under leases and executes them; renews its leases;
 * evicts waiting runs beyond its memory limit.
 */
export class Worker {
  private readonly executors = new Map<string, RunExecutor>();
  private running = false;
  /** A renewal is under way (the next one waits its turn rather than overlap it). */
  private renewing = false;
  private claiming?: Promise<void>;
  private claimAgain = false;
  private pollTimer?: NodeJS.Timeout;
  private renewTimer?: NodeJS.Timeout;
  /** How late the event loop runs (see lag-probe.ts). */
  private lagProbe?: LagProbe;
  /** A claim was put off while the event loop was late. */
  private claimPutOff = false;
  private unsubscribe?: () => void;
  /** Records this worker's stop in the registry of open resources (see open-resources.ts). */
  private untrack = () => {};
  /** A claim planned for the next timer of a run no worker holds. */
  private wake?: { at: number; cancel: () => void };
  private readonly lookup: WorkflowLookup;
  /**
   * Runs the store says this worker holds that it does not execute (held by
   * an earlier process of the same name, or their release failed): claimed
   * again when runnable. Read at the first claim, then from each renewal.
   */
  private readonly orphans = new Set<string>();
  private orphansRead = false;
  /** The last claim found no room in memory: the next run to leave makes room, and claims. */
  private full = false;
  /** Runs being created under a lease of this worker: held, but not orphans. */
  private readonly starting = new Set<string>();
  /**
   * Room in memory a claim under way may fill (its limit): runs started in
   * this process meanwhile are not executed here, so that the two together
   * stay within `maxRunsInMemory`.
   */
  private claimRoom = 0;
  /** Held runs whose execution stopped on an error: claimed again after a growing wait. */
  private readonly backoff: ErrorBackoff;

  constructor(private readonly options: WorkerOptions) {
    this.lookup = new WorkflowLookup(options.workflows, options.versions, options.catalog);
    this.backoff = new ErrorBackoff(renewIntervalMs(options.leaseMs), maxErrorBackoffMs);
  }

  /** True while this worker executes the run (it has not finished). */
  executes(runId: string): boolean {
    return this.executors.has(runId);
  }

  /** Number of runs in memory. */
  get size(): number {
    return this.executors.size;
  }

  /**
   * True when this worker is doing nothing now: no claim under way, no run
   * being created, and every run in memory only waits (see `RunExecutor.idle`).
   */
  get idle(): boolean {
    if (this.claiming || this.starting.size > 0) return false;
    for (const executor of this.executors.values()) if (!executor.idle) return false;
    return true;
  }

  /** True while a step or compensation body of a run in memory is running. */
  get bodyRunning(): boolean {
    for (const executor of this.executors.values()) if (!executor.inFlight.alone) return true;
    return false;
  }

  /** Begins claiming and executing runs. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.untrack = trackOpen("worker", this.options.owner);
    this.renewTimer = setInterval(() => void this.renew(), renewIntervalMs(this.options.leaseMs));
    this.lagProbe = startLagProbe(() => {
      if (!this.claimPutOff) return;
      this.claimPutOff = false;
      this.claimSoon();
    });
    this.unsubscribe = this.options.store.subscribe?.((notice) => this.notice(notice));
    this.orphansRead = false; // a restarted worker looks again for the runs it holds
    this.schedulePoll(0);
  }

  /**
   * A lease for a run this process is about to create, when this worker
   * can execute it at once: it serves `workflow@version`, has room in
   * memory, and its event loop keeps up. Pass it to `startHere` at once.
   */
  offer(runId: string, workflow: string, version: string): StartLease | undefined {
    if (!this.running || this.lagProbe?.busy) return;
    if (this.executors.size + this.claimRoom >= this.options.maxRunsInMemory) return;
    if (this.lookup.get(workflow, version)?.version !== version) return;
    if (this.starting.has(runId) || this.executors.has(runId)) return;
    this.starting.add(runId);
    const sentAt = performance.now();
    return { owner: this.options.owner, expiresAt: this.options.clock.now() + this.options.leaseMs, sentAt };
  }

  /**
   * Executes a run this process creates under a lease from `offer`. The
   * run's creation is its first write, so it carries what the workflow
   * records in its first turn (its first step's start) in the same commit.
   * Resolves with the creation's result: a run that existed already is not
   * executed here, and a failed creation rejects.
   */
  startHere(newRun: NewRun, now: number, lease: StartLease): Promise<CreateRunResult> {
    const { store } = this.options;
    const runId = newRun.id;
    return new Promise<CreateRunResult>((resolve, reject) => {
      let answered = false;
      const answer = (result: CreateRunResult | undefined, error?: unknown) => {
        if (answered) return;
        answered = true;
        this.starting.delete(runId);
        if (result) resolve(result);
        else reject(error);
      };
      const claimed = leasedRun(newRun, now, lease);
      const creation = createLeasedCreation(store, newRun, now, claimed.lease, answer, () => this.claimSoon());
      if (!this.running || this.executors.has(runId)) {
        creation.abandon();
        return;
      }
      this.execute(claimed, lease.sentAt + this.options.leaseMs, creation);
    });
  }

  /** A change announced by the store (another process made it). */
  private notice(notice: StoreNotice): void {
    if (notice.kind === "poked") this.runChanged(notice.runId, notice.pokeSeq);
    else if (notice.kind === "wake") this.wakeAt(notice.at);
    else if (notice.kind === "reconnected") {
      this.claimSoon();
      void this.checkPoked();
    } else this.claimSoon();
  }

  /** Plans a claim for `at` (a timer of a run no worker holds), keeping only the earliest. */
  private wakeAt(at: number | undefined): void {
    if (at === undefined || !this.running) return;
    if (this.wake && this.wake.at <= at) return;
    this.wake?.cancel();
    const cancel = this.options.clock.setTimer(at, () => {
      if (this.wake?.at === at) this.wake = undefined;
      this.claimSoon();
    });
    this.wake = { at, cancel };
  }

  /** Claims soon (a run was started or woken in this process). */
  claimSoon(): void {
    if (!this.running) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = this.claim().finally(() => {
      this.claiming = undefined;
      if (this.claimAgain) {
        this.claimAgain = false;
        this.claimSoon();
      }
    });
  }

  /**
   * Something changed for this run (as of its `pokeSeq`, when known): its
   * executor reads it, or the run gets claimed.
   */
  runChanged(runId: string, pokeSeq?: number): void {
    const executor = this.executors.get(runId);
    if (!executor) this.claimSoon();
    else void executor.refresh(pokeSeq).catch((error) => this.options.log(`refresh of run "${runId}" failed`, error));
  }

  /** Cancellation in this process: applied at once when the run is in memory. */
  cancelRun(runId: string): void {
    const executor = this.executors.get(runId);
    if (executor) executor.cancel();
    else this.claimSoon();
  }

  /**
   * Stops claiming, gives in-flight attempts until `timeoutMs` to finish, and
   * releases every run (each stays resumable by any worker).
   */
  async stop(timeoutMs: number): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.pollTimer);
    clearInterval(this.renewTimer);
    this.lagProbe?.stop();
    this.unsubscribe?.();
    this.wake?.cancel();
    this.wake = undefined;
    // No run starts a new step from here on, while a claim under way ends.
    for (const executor of this.executors.values()) executor.drain();
    await this.claiming;
    const deadline = Date.now() + timeoutMs;
    try {
      // Each once, then those that came meanwhile: a finishing run may hand its queue slot on to another.
      const released = new Set<RunExecutor>();
      const rest = () => [...this.executors.values()].filter((executor) => !released.has(executor));
      for (let executors = rest(); executors.length > 0; executors = rest()) {
        for (const executor of executors) released.add(executor);
        await Promise.all(executors.map((executor) => executor.release(deadline)));
      }
    } finally {
      this.untrack();
    }
  }

  private schedulePoll(delay: number): void {
    clearTimeout(this.pollTimer);
    if (!this.running) return;
    this.pollTimer = setTimeout(() => {
      this.claimSoon();
      void this.checkPoked();
      this.schedulePoll(this.options.pollIntervalMs);
    }, delay);
  }

  private async claim(): Promise<void> {
    for (;;) {
      if (!this.running) return;
      if (this.lagProbe?.busy) {
        this.claimPutOff = true;
        return;
      }
      await this.evict();
      const limit = this.options.maxRunsInMemory - this.executors.size;
      if (limit <= 0) {
        this.full = true;
        return;
      }
      let claimed: ClaimedRun[];
      let taken = 0; // claimed ones and unreadable ones
      let sentAt = 0;
      this.claimRoom = Math.min(limit, 200);
      try {
        if (!this.orphansRead) {
          for (const runId of await this.options.store.heldRuns(this.options.owner)) this.orphans.add(runId);
          this.orphansRead = true;
        }
        // The lease runs from before the request was sent (monotonic time: it
        // keeps counting while the process is frozen).
        sentAt = performance.now();
        const result = await this.options.store.claimRuns({
          owner: this.options.owner,
          now: this.options.clock.now(),
          leaseMs: this.options.leaseMs,
          limit: Math.min(limit, 200),
          workflows: this.lookup.keys(),
          ...(this.options.queues?.length ? { queues: this.options.queues.map((queue) => queue.name) } : {}),
          // Claims run one at a time: a run in none of the executors is not being claimed either.
          // A run that stopped on an error waits its turn.
          reclaim: [...this.orphans].filter(
            (runId) => !this.executors.has(runId) && !this.starting.has(runId) && !this.backoff.waiting(runId),
          ),
        });
        claimed = result.runs;
        const unreadable = result.unreadable ?? [];
        for (const run of unreadable) this.failUnreadable(run);
        taken = claimed.length + unreadable.length;
        this.wakeAt(result.nextWakeAt);
      } catch (error) {
        this.options.log("claiming runs failed", error);
        return;
      } finally {
        this.claimRoom = 0;
      }
      for (const run of claimed) this.execute(run, sentAt + this.options.leaseMs);
      if (taken < Math.min(limit, 200)) return;
    }
  }

  /** Fails a claimed run whose stored rows could not be read (see `failUnreadableRun`). */
  private failUnreadable(run: UnreadableRun): void {
    failUnreadableRun(this.options, run, (parentId) => this.runChanged(parentId));
  }

  /** What every executor of this worker asks of it (one object for all: it holds nothing of a run). */
  private hostOfExecutors?: ExecutorHost;
  private get executorHost(): ExecutorHost {
    this.hostOfExecutors ??= {
      store: this.options.store,
      clock: this.options.clock,
      leaseMs: this.options.leaseMs,
      workflows: this.options.workflows,
      onFailure: this.options.onFailure,
      detached: (runId, end, error) => {
        this.executors.delete(runId);
        if (error === undefined) this.backoff.clear(runId);
        else {
          const { delayMs, failures } = this.backoff.failed(runId);
          this.options.log(
            `run "${runId}" stopped on an error (${failures} in a row); this worker keeps it and tries it again in ${delayMs} ms`,
            error,
          );
        }
        // A slot a run frees (unless handed on), or room in a full memory: claim.
        if (!end?.handedOn && (this.full || this.options.queues?.length)) {
          this.full = false;
          this.claimSoon();
        }
        this.options.onDetached(runId, end);
        if (end?.parentId) this.runChanged(end.parentId);
      },
      childCreated: () => this.claimSoon(),
      taskQueued: (queue) => this.options.onTaskQueued?.(queue),
      slotHandoff: (queue) =>
        this.running && handsSlotsOn(this.options.queues?.find((q) => q.name === queue))
          ? { workflows: this.lookup.keys(), leaseMs: this.options.leaseMs }
          : undefined,
      handedOff: (runs, sentAt) => {
        for (const run of runs.unreadable ?? []) this.failUnreadable(run);
        for (const run of runs.runs) this.execute(run, sentAt + this.options.leaseMs);
      },
      yieldsSlotWhileWaiting: (queue) => yieldsSlotWhileWaiting(this.options.queues?.find((q) => q.name === queue)),
      cancelChild: (childId, parentId) =>
        cancelChildRun(this.options.store, this.options.clock, childId, parentId, () => this.cancelRun(childId)),
      log: this.options.log,
    };
    return this.hostOfExecutors;
  }

  private execute(claimed: ClaimedRun, leaseUntil: number, creation?: JournalCreation): void {
    const workflow = this.lookup.get(claimed.run.workflow, claimed.run.version);
    if (!workflow)
      throw new BatonError("UNKNOWN_WORKFLOW", `claimed run of unknown workflow "${claimed.run.workflow}"`);
    const executor = new RunExecutor(this.executorHost, workflow, claimed, leaseUntil, creation);
    // A claim's new token ends any earlier execution of the run here.
    this.executors.get(claimed.run.id)?.leaseLost();
    this.executors.set(claimed.run.id, executor);
    this.orphans.delete(claimed.run.id);
    if (!this.running) executor.drain(); // claimed by a claim that ended after `stop` began
    executor.start();
  }

  /** At the memory limit, evicts waiting runs (see `chooseEvictions`). */
  private async evict(): Promise<void> {
    if (this.executors.size < this.options.maxRunsInMemory) return;
    const chosen = chooseEvictions(this.executors.values(), this.options.maxRunsInMemory, this.options.clock.now());
    await Promise.all(chosen.map((executor) => executor.release()));
  }

  /** Extends the leases (see `renewHeldLeases`), one renewal at a time. */
  private async renew(): Promise<void> {
    if (!this.running || this.renewing) return;
    this.renewing = true;
    try {
      const { executors, starting, orphans, backoff } = this;
      await renewHeldLeases(this.options, { executors, starting, orphans, backoff });
    } catch (error) {
      this.options.log("renewing leases failed", error);
    } finally {
      this.renewing = false;
    }
  }

  /** Held runs poked by other processes (signals, cancels, children) are read again. */
  private async checkPoked(): Promise<void> {
    if (!this.running || this.executors.size === 0) return;
    try {
      for (const { runId, pokeSeq } of await this.options.store.pokedRuns(this.options.owner)) {
        this.runChanged(runId, pokeSeq);
      }
    } catch (error) {
      this.options.log("looking for poked runs failed", error);
    }
  }
}
