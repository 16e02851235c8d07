import { noEntries } from "../no-entries.js";
import type { CallOutcome } from "../runtime/history-state.js";
import type { IssuedCall } from "../runtime/workflow-runtime.js";
import type { EventWaitRecord, HistoryRecord, NewEventWait, ReceivedEvent } from "../store/store.js";
import type { ClockWaits } from "./clock-waits.js";
import type { JournalExtras } from "./run-journal.js";

/** What event waits need from their run. */
export interface EventHost {
  /** False once the run stopped or settled: events reached stay unrecorded. */
  active(): boolean;
  /** False while the run is stopping or stopped: nothing more is recorded. */
  recording(): boolean;
  waits: ClockWaits;
  /** Registers a wait in the store again; resolves once committed. */
  register(wait: NewEventWait): Promise<void>;
  /** Ends a wait whose timeout passed: the event that reached it first, if any (`Store.closeEventWait`). */
  close(position: number): Promise<ReceivedEvent | undefined>;
  /** Records and delivers the outcome of an event wait. */
  resolve(
    call: IssuedCall,
    outcome: CallOutcome,
    extras: JournalExtras,
    event: Omit<HistoryRecord, "seq" | "at">,
  ): void;
  /** A store operation failed: the run leaves memory. */
  failed(error: unknown): void;
}

/**
 * The event waits of one run. The store gives an event to a registered wait
 * (its row); this records what reached each wait as `event.received`, or
 * `event.timed_out` once the store closed a wait no event reached in time.
 */
export class EventWaits {
  /** Registered waits as last read from the store, by position. */
  private storedEntries?: Map<number, EventWaitRecord>;
  private waitEntries?: Map<number, IssuedCall>;

  private get stored(): Map<number, EventWaitRecord> {
    return this.storedEntries ?? noEntries();
  }

  private get waits(): Map<number, IssuedCall> {
    return this.waitEntries ?? noEntries();
  }

  constructor(private readonly host: EventHost) {}

  /** True while a `waitForEvent` is pending. */
  get waiting(): boolean {
    return this.waits.size > 0;
  }

  /** Takes the registered waits read from the store (a claim or an inbox). */
  add(waits: EventWaitRecord[]): void {
    for (const wait of waits) {
      this.storedEntries ??= new Map();
      this.storedEntries.set(wait.position, wait);
    }
  }

  /**
   * Starts waiting. `registered` resolves once the wait's row is committed;
   * without it (a wait recorded before this claim) the row is looked up, and
   * registered again when it is missing (the run was resumed or forked).
   */
  wait(call: IssuedCall, registered?: Promise<void>): void {
    this.waitEntries ??= new Map();
    this.waitEntries.set(call.position, call);
    const ready =
      registered ??
      (this.stored.has(call.position)
        ? Promise.resolve()
        : this.host.register({ position: call.position, name: call.name, match: call.match, dueAt: call.dueAt }));
    if (call.dueAt !== undefined) {
      void this.host.waits
        .until(`event:${call.position}`, call.dueAt)
        .then((fired) => (fired ? this.expire(call, ready) : undefined))
        .catch((error) => this.host.failed(error));
    }
    this.match();
  }

  /** Forgets every wait (the run stopped or settled). */
  clearWaits(): void {
    this.waits.clear();
  }

  /** Records every wait an event reached. */
  match(): void {
    if (!this.host.active()) return;
    for (const [position, call] of this.waits) {
      const received = this.stored.get(position)?.received;
      if (received) this.receive(call, received);
    }
  }

  /** The timeout passed: the store decides whether an event came first. */
  private async expire(call: IssuedCall, registered: Promise<void>): Promise<void> {
    if (this.waits.get(call.position) !== call || !this.host.active() || !this.host.recording()) return;
    this.waits.delete(call.position);
    await registered;
    const received = await this.host.close(call.position);
    if (!this.host.active() || !this.host.recording()) return;
    if (received) {
      this.receive(call, received);
      return;
    }
    this.host.resolve(
      call,
      { ok: true, value: undefined },
      { endedEventWaits: [call.position] },
      { type: "event.timed_out", name: call.name },
    );
  }

  private receive(call: IssuedCall, received: ReceivedEvent): void {
    this.waits.delete(call.position);
    this.host.waits.cancel(`event:${call.position}`);
    this.host.resolve(
      call,
      { ok: true, value: received.payload },
      { endedEventWaits: [call.position] },
      { type: "event.received", name: call.name, payload: received.payload, eventId: received.eventId },
    );
  }
}
