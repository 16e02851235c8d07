/**
 * The choice of runs a claim takes from a named queue within its limits,
 * shared by every backend: the backend counts, in the transaction that takes
 * the runs, the runs holding a slot and the starts within the rate window
 * (by concurrency key), and lists the runnable runs of the queue in claim
 * order (priority, then oldest first); this picks those the limits admit.
 *
 * Invariants: never more than `concurrency` runs of the queue hold a slot,
 * never more than `perKey` of one key, and never more than `rateLimit.limit`
 * starts in a window (of the queue, or of each key with `perKey`). A run that
 * already started (it waited without its slot) needs a slot, not a start.
 */
import type { QueueLimits } from "./records.js";

/** Runs counted by concurrency key (`null`: runs without one). */
export type KeyCounts = Map<string | null, number>;

/** A runnable run of a queue, in claim order. */
export interface QueueCandidate {
  id: string;
  concurrencyKey: string | null;
  /** True when the run never started (pending): it counts against the rate limit. */
  starts: boolean;
}

/** What a claim of one queue knows before it picks. */
export interface QueueCounts {
  /** Runs holding a slot, by key. */
  busy: KeyCounts;
  /** Starts within the rate window, by key. */
  started: KeyCounts;
}

const total = (counts: KeyCounts) => [...counts.values()].reduce((sum, n) => sum + n, 0);

/** The state of one claim of a queue: what it may still take, updated as it picks. */
export class QueuePicker {
  private readonly busy: KeyCounts;
  private readonly started: KeyCounts;
  private busyTotal: number;
  private startedTotal: number;
  private taken = 0;
  /** A run that would have started was refused (a rate window may have held it back). */
  private refusedStart = false;
  /** This claim took a run that starts now. */
  private tookStart = false;

  constructor(
    private readonly limits: QueueLimits,
    counts: QueueCounts,
    private readonly limit: number,
  ) {
    this.busy = new Map(counts.busy);
    this.started = new Map(counts.started);
    this.busyTotal = total(counts.busy);
    this.startedTotal = total(counts.started);
  }

  /** True while the claim may take more runs of the queue. */
  get open(): boolean {
    if (this.taken >= this.limit) return false;
    if (this.limits.concurrency !== undefined && this.busyTotal >= this.limits.concurrency) return false;
    const rate = this.limits.rateLimit;
    if (rate && !rate.perKey && this.startedTotal >= rate.limit) return false;
    return true;
  }

  /**
   * The keys no run may be taken of now (at their per-key limit), for the
   * backend to leave out of its listing.
   */
  fullKeys(): string[] {
    const full = new Set<string>();
    const { perKey, rateLimit } = this.limits;
    if (perKey !== undefined) for (const [key, n] of this.busy) if (key !== null && n >= perKey) full.add(key);
    if (rateLimit?.perKey) for (const [key, n] of this.started) if (key !== null && n >= rateLimit.limit) full.add(key);
    return [...full];
  }

  /**
   * How many runs of `key` to list for this claim: the room its per-key
   * limit leaves, and at least one while only its rate window is full (a run
   * that already started needs no start). `take` decides.
   */
  roomOf(key: string): number {
    const { perKey, rateLimit } = this.limits;
    let room = perKey === undefined ? this.limit : perKey - (this.busy.get(key) ?? 0);
    if (rateLimit?.perKey) room = Math.min(room, Math.max(1, rateLimit.limit - (this.started.get(key) ?? 0)));
    return room;
  }

  /** Takes `candidate` when the limits admit it (and counts it); false otherwise. */
  take(candidate: QueueCandidate): boolean {
    const taken = this.admit(candidate);
    if (!taken && candidate.starts) this.refusedStart = true;
    if (taken && candidate.starts) this.tookStart = true;
    return taken;
  }

  /**
   * When the queue's rate window next lets a start through, if this claim
   * may have been held back by it (a start refused, or the claim full): the
   * oldest start in the window (`oldestStart`, or now for a run this claim
   * started) plus the period. Undefined otherwise.
   */
  nextRateStartAt(oldestStart: number | undefined, now: number): number | undefined {
    const rate = this.limits.rateLimit;
    if (!rate || !(this.refusedStart || !this.open)) return undefined;
    const oldest = Math.min(oldestStart ?? Number.POSITIVE_INFINITY, this.tookStart ? now : Number.POSITIVE_INFINITY);
    return Number.isFinite(oldest) ? oldest + rate.periodMs : undefined;
  }

  private admit(candidate: QueueCandidate): boolean {
    if (!this.open) return false;
    const key = candidate.concurrencyKey;
    const { perKey, rateLimit } = this.limits;
    if (key !== null && perKey !== undefined && (this.busy.get(key) ?? 0) >= perKey) return false;
    const countsStart = candidate.starts && rateLimit !== undefined;
    if (countsStart && rateLimit.perKey && key !== null && (this.started.get(key) ?? 0) >= rateLimit.limit) {
      return false;
    }
    if (countsStart && !rateLimit.perKey && this.startedTotal >= rateLimit.limit) return false;
    this.busy.set(key, (this.busy.get(key) ?? 0) + 1);
    this.busyTotal++;
    if (candidate.starts) {
      this.started.set(key, (this.started.get(key) ?? 0) + 1);
      this.startedTotal++;
    }
    this.taken++;
    return true;
  }
}

/** True when runs of a queue with these limits give their slot up while they wait (the worker lets them go). */
export function yieldsSlotWhileWaiting(limits: QueueLimits | undefined): boolean {
  return (
    limits !== undefined &&
    !limits.holdWhileWaiting &&
    (limits.concurrency !== undefined || limits.perKey !== undefined)
  );
}

/**
 * True when a finishing run of a queue with these limits hands its slot on
 * (see `SlotHandoff`): a queue limited by its concurrency alone, without
 * per-key or rate limits (whose counts a handoff would have to read).
 */
export function handsSlotsOn(limits: QueueLimits | undefined): boolean {
  return limits !== undefined && limits.perKey === undefined && limits.rateLimit === undefined;
}

/** True when the queue limits runs per concurrency key (its claims then read the runs key by key). */
export function hasKeyLimits(limits: QueueLimits): boolean {
  return limits.perKey !== undefined || limits.rateLimit?.perKey === true;
}

/** Claim order of runnable runs: higher priority first, then the oldest, then by id. */
export function byClaimOrder(
  a: { priority: number | string; created_at: number | string; id: string },
  b: { priority: number | string; created_at: number | string; id: string },
): number {
  return (
    Number(b.priority) - Number(a.priority) ||
    Number(a.created_at) - Number(b.created_at) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
