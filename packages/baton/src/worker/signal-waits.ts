/**
 * Gives a run's signals to its waits and handlers, checking each payload
 * first against the schemas that apply (the workflow's declared `signals`
 * schema, then the wait's own `schema`).
 *
 * Invariants:
 * - Signals are handed out in the order they were sent: while the payload of
 *   one is being checked (a schema that answers asynchronously), no later
 *   signal is handed out.
 * - A payload that fails a schema is refused: recorded `signal.refused` and
 *   consumed, so it never comes back (re-execution reads it as consumed);
 *   the wait goes on for a valid one.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { CallOutcome } from "../runtime/history-state.js";
import type { IssuedCall } from "../runtime/workflow-runtime.js";
import { checkStandardSchema, issuePath, type SchemaIssue } from "../schema-check.js";
import type { HistoryRecord, SignalRecord } from "../store/store.js";
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
    event: Omit<HistoryRecord, "seq" | "at">,
  ): void;
  /** Records and delivers a signal to its handler. */
  deliverToHandler(name: string, payload: unknown, signalId: number): void;
  /** Records a refused signal (`signal.refused`), consuming it. */
  refuseSignal(signal: SignalRecord, issues: SchemaIssue[]): void;
  /** A check failed unexpectedly (a schema threw): the run stops. */
  checkFailed(error: unknown): void;
}

/**
 * Gives a run's signals, in the order they were sent, to its waits (oldest
 * wait first) or to its handlers; a signal nobody takes stays for later.
 */
export class SignalWaits {
  private readonly pending: SignalRecord[] = [];
  /** Ids of the signals taken (made at the first signal). */
  private known?: Set<number>;
  private readonly waits: IssuedCall[] = [];
  /** A payload check under way (the first pending signal waits for it). */
  private checking = false;
  /** The signal whose payload passed the check for a taker (`-1`: handlers), with its verdict. */
  private passed?: { id: number; taker: number };

  constructor(
    private readonly consumed: Set<number>,
    private readonly host: SignalHost,
    /** The schemas the workflow declares for its signals, by name. */
    private readonly declared?: Record<string, StandardSchemaV1>,
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

  /** Hands out every signal that has a taker, refusing those whose payload fails a schema. */
  match(): void {
    if (!this.host.signalsActive() || this.checking) return;
    const handlers = new Set(this.host.handlerNames());
    for (let i = 0; i < this.pending.length; ) {
      const signal = this.pending[i] as SignalRecord;
      const wait = this.waits.find((w) => w.name === signal.name);
      if (!wait && !handlers.has(signal.name)) {
        i++;
        continue;
      }
      const taker = wait ? wait.position : -1;
      if (this.passed?.id !== signal.id || this.passed.taker !== taker) {
        const schemas = [
          this.declared && Object.hasOwn(this.declared, signal.name) ? this.declared[signal.name] : undefined,
          wait?.schema,
        ].filter((schema): schema is StandardSchemaV1 => schema !== undefined);
        if (schemas.length > 0) {
          let verdict: ReturnType<SignalWaits["check"]>;
          try {
            verdict = this.check(schemas, signal.payload);
          } catch (error) {
            this.host.checkFailed(error);
            return;
          }
          if (verdict instanceof Promise) {
            // Later signals wait for this one: order holds.
            this.checking = true;
            verdict.then(
              (issues) => {
                this.checking = false;
                if (!this.host.signalsActive()) return;
                if (issues) this.refuse(signal, issues);
                else this.passed = { id: signal.id, taker };
                this.match();
              },
              (error) => {
                this.checking = false;
                this.host.checkFailed(error);
              },
            );
            return;
          }
          if (verdict) {
            this.refuse(signal, verdict);
            continue;
          }
        }
      }
      this.passed = undefined;
      this.pending.splice(i, 1);
      if (wait) {
        this.waits.splice(this.waits.indexOf(wait), 1);
        this.host.waits.cancel(`signal:${wait.position}`);
        this.host.resolveSignal(
          wait,
          { ok: true, value: signal.payload },
          { consumedSignals: [signal.id] },
          { type: "signal.received", name: signal.name, payload: signal.payload, signalId: signal.id },
        );
      } else this.host.deliverToHandler(signal.name, signal.payload, signal.id);
    }
  }

  private refuse(signal: SignalRecord, issues: SchemaIssue[]): void {
    const index = this.pending.indexOf(signal);
    if (index >= 0) this.pending.splice(index, 1);
    this.host.refuseSignal(signal, issues);
  }

  /**
   * The issues of the first schema `payload` fails (undefined: it passes
   * them all); synchronous when every schema answers synchronously.
   */
  private check(
    schemas: StandardSchemaV1[],
    payload: unknown,
  ): SchemaIssue[] | undefined | Promise<SchemaIssue[] | undefined> {
    for (let i = 0; i < schemas.length; i++) {
      const result = (schemas[i] as StandardSchemaV1)["~standard"].validate(payload);
      if (result instanceof Promise) {
        const rest = schemas.slice(i + 1);
        return result.then(async (settled) => {
          if (settled.issues) return toIssues(settled.issues);
          for (const schema of rest) {
            const checked = await checkStandardSchema(schema, payload);
            if (checked.issues) return checked.issues;
          }
          return undefined;
        });
      }
      if (result.issues) return toIssues(result.issues);
    }
    return undefined;
  }
}

const toIssues = (issues: readonly StandardSchemaV1.Issue[]): SchemaIssue[] =>
  issues.map((issue) => ({ path: issuePath(issue), message: issue.message }));
