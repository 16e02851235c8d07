/**
 * The write side of one run in a worker: events are numbered in memory,
 * buffered for the current turn of the event loop, and written under the
 * run's lease, one write at a time, in order.
 *
 * Invariants:
 * - `committed` of an event resolves only after the write holding it committed.
 * - Writes of one run never overlap, so they commit in seq order.
 * - After a failed write or `close()`, nothing more is written (a release excepted).
 */
import type { Clock } from "../clock.js";
import { LeaseLostError } from "../errors.js";
import { afterTurn } from "../next-turn.js";
import type {
  AppendResult,
  ClaimResult,
  HistoryRecord,
  Lease,
  RunRecord,
  RunWrite,
  RunWriteFields,
  SlotHandoff,
  Store,
} from "../store/store.js";
import type { RunStatus } from "../types.js";
import { classifyWrite, type JournalWrite } from "./classify-write.js";

/** Fields written along with events. */
export type JournalExtras = Pick<
  RunWriteFields,
  | "status"
  | "output"
  | "error"
  | "consumedSignals"
  | "children"
  | "eventWaits"
  | "endedEventWaits"
  | "tasks"
  | "recordedTasks"
  | "cancelTasks"
  | "humanTasks"
  | "recordedHumanTasks"
  | "reassignedHumanTasks"
> & { handoff?: SlotHandoff };

/** What the journal asks of its run. */
export interface JournalHooks {
  /** The run's status (undefined: leave it) and next wake-up, to write with each progress. */
  snapshot(): { status: RunStatus | undefined; wakeAt: number | undefined };
  /** A write failed; the journal is closed. */
  writeFailed(error: unknown): void;
  /** A committed write did not create these children: a run with their id existed. */
  childrenExisted(ids: string[]): void;
  /** The run's finish handed its queue slot on to these runs, leased from `sentAt` (`performance.now()` time). */
  handedOff(runs: ClaimResult, sentAt: number): void;
}

/** An event the journal has taken. */
export interface Recorded {
  seq: number;
  at: number;
  /** Resolves once the event is committed; rejects if it never will be. */
  committed: Promise<void>;
}

/**
 * How a run that is not in the store yet gets there: its creation is the
 * journal's first write, so it carries what the run recorded in its first
 * turn (its first step's start) instead of taking a commit of its own.
 */
export interface JournalCreation {
  /** Creates the run along with the journal's first write. */
  create(write: RunWrite): Promise<AppendResult | undefined>;
  /** The journal closed before its first write: the run is not created by it. */
  abandon(): void;
}

const ignore = () => {};

/** Buffered, fenced, ordered writes of one run's progress. */
export class RunJournal {
  private seq: number;
  private buffer: HistoryRecord[] = [];
  /** Fields taken for the next write (its lists made when first needed: most writes have none). */
  private extras: JournalExtras = {};
  private pending?: Promise<void>;
  /** The write under way, if any. */
  private writing?: Promise<void>;
  private last: Promise<void> = Promise.resolve();
  private closed = false;
  /** `pokeSeq` read from the store, and the value last written as handled. */
  private seenPokeSeq: number;
  private writtenPokeSeq: number;
  /** Status and wake-up as last written. */
  private written: { status: RunStatus | undefined; wakeAt: number | undefined };

  constructor(
    private readonly store: Store,
    private readonly lease: Lease,
    private readonly clock: Clock,
    run: RunRecord,
    private readonly hooks: JournalHooks,
    private creation?: JournalCreation,
  ) {
    this.seq = run.lastSeq;
    this.seenPokeSeq = run.pokeSeq;
    this.writtenPokeSeq = run.seenPokeSeq;
    this.written = { status: run.status, wakeAt: run.wakeAt };
  }

  /** Nothing buffered and no write under way. */
  get idle(): boolean {
    return this.buffer.length === 0 && !this.pending;
  }

  /** The highest `pokeSeq` read from the store. */
  get handledPokeSeq(): number {
    return this.seenPokeSeq;
  }

  /** True when a poke was read that has not been written as handled. */
  get pokeUnwritten(): boolean {
    return this.seenPokeSeq > this.writtenPokeSeq;
  }

  /** Notes the `pokeSeq` the run has now handled (written with the next write). */
  handledPoke(pokeSeq: number): void {
    this.seenPokeSeq = Math.max(this.seenPokeSeq, pokeSeq);
    if (this.pokeUnwritten) void this.flush().catch(() => {});
  }

  /**
   * Takes an event (at `event.at`, or now) to write after the current turn.
   * The object becomes the recorded event: its `seq` and `at` are set on it.
   */
  record(event: Omit<HistoryRecord, "seq" | "at"> & { at?: number }, extras?: JournalExtras): Recorded {
    const recorded = event as HistoryRecord;
    recorded.seq = ++this.seq;
    recorded.at ??= this.clock.now();
    this.buffer.push(recorded);
    return { seq: recorded.seq, at: recorded.at, committed: extras ? this.note(extras) : this.flush() };
  }

  /** Takes fields to write after the current turn, with or without events; resolves when committed. */
  note(extras: JournalExtras): Promise<void> {
    const taken = this.extras;
    if (extras.consumedSignals) taken.consumedSignals = [...(taken.consumedSignals ?? []), ...extras.consumedSignals];
    if (extras.children) taken.children = [...(taken.children ?? []), ...extras.children];
    if (extras.eventWaits) taken.eventWaits = [...(taken.eventWaits ?? []), ...extras.eventWaits];
    if (extras.endedEventWaits) taken.endedEventWaits = [...(taken.endedEventWaits ?? []), ...extras.endedEventWaits];
    if (extras.tasks) taken.tasks = [...(taken.tasks ?? []), ...extras.tasks];
    if (extras.recordedTasks) taken.recordedTasks = [...(taken.recordedTasks ?? []), ...extras.recordedTasks];
    if (extras.cancelTasks) taken.cancelTasks = true;
    if (extras.humanTasks) taken.humanTasks = [...(taken.humanTasks ?? []), ...extras.humanTasks];
    if (extras.recordedHumanTasks) {
      taken.recordedHumanTasks = [...(taken.recordedHumanTasks ?? []), ...extras.recordedHumanTasks];
    }
    if (extras.reassignedHumanTasks) {
      taken.reassignedHumanTasks = [...(taken.reassignedHumanTasks ?? []), ...extras.reassignedHumanTasks];
    }
    if (extras.status) this.extras.status = extras.status;
    if ("output" in extras) this.extras.output = extras.output;
    if (extras.error) this.extras.error = extras.error;
    if (extras.handoff) this.extras.handoff = extras.handoff;
    return this.flush();
  }

  /**
   * Writes what is buffered once the write under way is done and the next
   * turn's deliveries have run (`afterTurn`), so that what they record joins
   * the same write; resolves when committed.
   */
  flush(): Promise<void> {
    if (this.pending) return this.pending;
    this.pending = this.last.then(afterTurn).then(this.take);
    this.pending.catch(ignore); // a failed write is reported through hooks.writeFailed; callers may ignore it
    return this.pending;
  }

  /** Takes what is buffered as the next write (the fields taken become the write) and writes it. */
  private readonly take = (): Promise<void> => {
    this.pending = undefined;
    const write = this.extras as JournalWrite;
    write.events = this.buffer;
    this.buffer = [];
    this.extras = {};
    const snapshot = this.hooks.snapshot();
    // Status and wake-up go out only when they changed (a write that leaves
    // them is cheaper: no index of the runs table changes).
    const wakeAt = snapshot.wakeAt ?? null;
    write.wakeAt = write.status || wakeAt === (this.written.wakeAt ?? null) ? undefined : wakeAt;
    write.status ??= snapshot.status === this.written.status ? undefined : snapshot.status;
    const promise = this.write(write);
    this.writing = promise;
    const done = () => this.wrote(promise);
    this.last = promise.then(done, done);
    return promise;
  };

  /**
   * Resolves once every event taken so far is committed (rejects if one never
   * will be); undefined when nothing is waiting to be committed.
   */
  uncommitted(): Promise<void> | undefined {
    return this.pending ?? this.writing;
  }

  private wrote(write: Promise<void>): void {
    if (this.writing === write) this.writing = undefined;
  }

  /** Waits for the writes taken so far: the one under way and the one to come, if any. */
  async settled(): Promise<void> {
    await this.pending?.catch(() => {});
    await this.last;
  }

  /** Writes status and wake-up when they changed without an event. */
  sync(): void {
    if (this.closed || this.pending) return;
    const { status, wakeAt } = this.hooks.snapshot();
    if (status !== this.written.status || wakeAt !== this.written.wakeAt) void this.flush().catch(() => {});
  }

  /** Gives the lease up with a last status; closes the journal. Buffered events not yet written are dropped. */
  async release(status: RunStatus | undefined, wakeAt: number | undefined): Promise<void> {
    this.closed = true;
    // After the write under way: a release racing it would miss its seq and keep the lease.
    await this.last;
    await this.write({ events: [], release: true, status, wakeAt: wakeAt ?? null });
  }

  /** Writes nothing more. */
  close(): void {
    this.closed = true;
  }

  /** Writes `fields` (the object becomes the store's write, classified as one verb) under the lease. */
  private write(fields: JournalWrite): Promise<void> {
    if (this.closed && !fields.release) {
      this.creation?.abandon();
      this.creation = undefined;
      return Promise.reject(new LeaseLostError(this.lease.runId));
    }
    const seenPokeSeq = this.seenPokeSeq;
    const creation = this.creation;
    this.creation = undefined;
    let written: Promise<AppendResult | undefined>;
    let write: RunWrite | undefined;
    const sentAt = fields.handoff ? performance.now() : 0; // where a lease handed on starts
    try {
      write = classifyWrite(fields, seenPokeSeq, this.clock.now());
      written = creation ? creation.create(write) : this.store.appendHistory(this.lease, write);
    } catch (error) {
      written = Promise.reject(error);
    }
    return written.then(
      (result) => {
        this.writtenPokeSeq = seenPokeSeq;
        const { status, wakeAt } = write as RunWriteFields;
        if (status) this.written.status = status;
        if (wakeAt !== undefined) this.written.wakeAt = wakeAt ?? undefined;
        if (result?.existingChildren?.length) this.hooks.childrenExisted(result.existingChildren);
        if (result?.handedOff) this.hooks.handedOff(result.handedOff, sentAt);
      },
      (error: unknown) => {
        this.closed = true;
        this.hooks.writeFailed(error);
        throw error;
      },
    );
  }
}
