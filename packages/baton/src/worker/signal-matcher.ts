import type { CallOutcome } from "../runtime/history-state.js";
import type { IssuedCall } from "../runtime/workflow-runtime.js";
import type { RecordedEvent, SignalRecord } from "../store/store.js";
import type { ClockWaits } from "./clock-waits.js";
import type { JournalExtras } from "./run-journal.js";

/** What signal matching needs from its run. */
export interface SignalHost {
  /** False once the run stopped or settled: signals stay unconsumed. */
  signalsActive(): boolean;
  /** Signal names with an `onSignal` handler. */
  handlerNames(): string[];
  waits: ClockWaits;
  /** Records and delivers the outcome of a signal wait. */
  resolveSignal(
    call: IssuedCall,
    outcome: CallOutcome,
    extras: JournalExtras,
    event: Omit<RecordedEvent, "seq" | "at">,
  ): void;
  /** Records and delivers a signal to its handler. */
  deliverToHandler(name: string, payload: unknown, signalId: number): void;
}

/**
 * Gives a run's signals, in the order they were sent, to its waits (oldest
 * wait first) or to its handlers; a signal nobody takes stays for later.
 */
export class SignalMatcher {
  private readonly pending: SignalRecord[] = [];
  /** Ids of the signals taken (made at the first signal). */
  private known?: Set<number>;
  private readonly waits: IssuedCall[] = [];

  constructor(
    private readonly consumed: Set<number>,
    private readonly host: SignalHost,
  ) {}

  /** True while a `waitForSignal` is pending. */
  get waiting(): boolean {
    return this.waits.length > 0;
  }

  /** Adds signals read from the store (those already known or consumed are skipped). */
  add(signals: SignalRecord[]): void {
    for (const signal of signals) {
      if (this.known?.has(signal.id) || this.consumed.has(signal.id)) continue;
      this.known ??= new Set();
      this.known.add(signal.id);
      this.pending.push(signal);
    }
  }

  /** Registers a wait; it times out at `call.dueAt`, when set, unless `inactive()` by then. */
  wait(call: IssuedCall, inactive: () => boolean): void {
    this.waits.push(call);
    if (call.dueAt !== undefined) {
      void this.host.waits.until(`signal:${call.position}`, call.dueAt).then((fired) => {
        const index = this.waits.indexOf(call);
        if (!fired || index < 0 || inactive()) return;
        this.waits.splice(index, 1);
        this.host.resolveSignal(
          call,
          { ok: true, value: undefined },
          {},
          { type: "signal.timed_out", name: call.name },
        );
      });
    }
    this.match();
  }

  /** Forgets every wait (the run stopped or settled). */
  clearWaits(): void {
    this.waits.length = 0;
  }

  /** Hands out every signal that has a taker. */
  match(): void {
    if (!this.host.signalsActive()) return;
    const handlers = new Set(this.host.handlerNames());
    for (let i = 0; i < this.pending.length; ) {
      const signal = this.pending[i] as SignalRecord;
      const wait = this.waits.find((w) => w.name === signal.name);
      if (wait) {
        this.pending.splice(i, 1);
        this.waits.splice(this.waits.indexOf(wait), 1);
        this.host.waits.cancel(`signal:${wait.position}`);
        this.host.resolveSignal(
          wait,
          { ok: true, value: signal.payload },
          { consumedSignals: [signal.id] },
          { type: "signal.received", name: signal.name, payload: signal.payload, signalId: signal.id },
        );
      } else if (handlers.has(signal.name)) {
        this.pending.splice(i, 1);
        this.host.deliverToHandler(signal.name, signal.payload, signal.id);
      } else i++;
    }
  }
}
