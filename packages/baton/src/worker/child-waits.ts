/**
 * The children a run waits for.
 *
 * Invariants:
 * - A child call's id may be held by another run already: the write that
 *   records `child.started` creates the child only when the id is free, and
 *   answers the ids it found taken (`childrenExisted`). Each such run, and
 *   every recorded child a re-execution still waits for (a crash may have
 *   come between that write and this check), is checked once committed: a
 *   run of the same workflow and input without a parent (or with this one)
 *   is the child, linked to this run and awaited; any other fails the call
 *   with `RUN_CONFLICT`. The normal path (a free id) reads nothing more.
 */
import { isDeepStrictEqual } from "node:util";
import type { Clock } from "../clock.js";
import { toMilliseconds } from "../duration.js";
import { RunConflictError } from "../errors.js";
import { childConflictMessage, roundTrip, toErrorInfo } from "../json.js";
import { afterTurn } from "../next-turn.js";
import { noEntries } from "../no-entries.js";
import type { CallOutcome } from "../runtime/history-state.js";
import type { IssuedCall } from "../runtime/workflow-runtime.js";
import type { HistoryRecord, NewRun, RunRecord, Store } from "../store/store.js";
import type { ErrorInfo } from "../types.js";
import { validateInput } from "../validate-input.js";
import type { Workflow } from "../workflow.js";

type NewEvent = Omit<HistoryRecord, "seq" | "at">;

/** What child calls need from their run. */
export interface ChildHost {
  readonly runId: string;
  readonly clock: Clock;
  /** Registered workflows by name: a child runs the registered definition of its workflow. */
  readonly workflows: Map<string, Workflow>;
  stopped(): boolean;
  /** Records `child.started` with the child run to create in the same write. */
  started(event: NewEvent, child?: NewRun): void;
  /** Records and delivers the outcome of a child call. */
  resolve(position: number, outcome: CallOutcome, event: NewEvent): void;
  /** Reads the run's inbox again (a child recorded before may have finished meanwhile). */
  refresh(): void;
  /** The store, to check and link children whose id another run held. */
  readonly store: Pick<Store, "findUnlinkedRuns" | "linkChild">;
  /** A check failed: the run leaves memory (and is executed again later). */
  failed(error: unknown): void;
}

/** The children a run waits for: starts them, and records how each finished. */
export class ChildWaits {
  /** Calls by child id (an array only when calls of the run share an id: they await the same child). */
  private entries?: Map<string, IssuedCall | IssuedCall[]>;
  /** Recorded children of a re-execution, checked together after the turn. */
  private unchecked?: string[];

  private get waits(): Map<string, IssuedCall | IssuedCall[]> {
    return this.entries ?? noEntries();
  }

  constructor(private readonly host: ChildHost) {}

  /** Number of children waited for (by id). */
  get size(): number {
    return this.waits.size;
  }

  /** Forgets every wait (the run stopped or settled). */
  clear(): void {
    this.waits.clear();
  }

  /** Starts the child of `call` (unless its start is recorded) and waits for it. */
  async start(call: IssuedCall): Promise<void> {
    const { workflow, input, id } = call.child as NonNullable<IssuedCall["child"]>;
    if (!call.recorded) {
      const registered = this.host.workflows.get(workflow.name) ?? workflow;
      let childInput: unknown;
      try {
        childInput = roundTrip(await validateInput(registered, input), `input of child "${id}"`);
      } catch (error) {
        const info = toErrorInfo(error);
        const event: NewEvent = { type: "child.failed", name: call.name, childId: id, error: info };
        this.host.resolve(call.position, { ok: false, error: info }, event);
        return;
      }
      if (this.host.stopped()) return;
      const timeout = registered.options.timeout;
      const event: NewEvent = {
        type: "child.started",
        position: call.position,
        name: call.name,
        childId: id,
        input: childInput,
      };
      // Another call of this run waits for that id already: this one awaits the same child.
      const child: NewRun | undefined = this.waits.has(id)
        ? undefined
        : {
            id,
            workflow: registered.name,
            version: registered.version,
            input: childInput,
            parentId: this.host.runId,
            timeoutMs: timeout === undefined ? undefined : toMilliseconds(timeout),
            ...(registered.options.queue === undefined || registered.options.queue === "default"
              ? {}
              : { queue: registered.options.queue }),
            history: [{ type: "run.started", at: this.host.clock.now(), input: childInput }],
          };
      this.host.started(event, child);
    }
    this.entries ??= new Map();
    const earlier = this.entries.get(id);
    this.entries.set(id, earlier === undefined ? call : [...(Array.isArray(earlier) ? earlier : [earlier]), call]);
    if (call.recorded) {
      this.host.refresh();
      if (!this.unchecked) {
        this.unchecked = [];
        void afterTurn().then(() => {
          const ids = this.unchecked ?? [];
          this.unchecked = undefined;
          this.check(ids);
        });
      }
      this.unchecked.push(id);
    }
  }

  /**
   * Checks the runs that held the ids of children this run asked for (once
   * their `child.started` is committed): links each one that is the child,
   * fails the call of each other one with `RUN_CONFLICT`.
   */
  check(ids: string[]): void {
    if (ids.length === 0 || this.host.stopped()) return;
    this.host.store
      .findUnlinkedRuns(this.host.runId, ids)
      .then((runs) => Promise.all(runs.map((run) => this.settleHeld(run))))
      .catch((error) => this.host.failed(error));
  }

  /** A run held the id of a child call: it is that child (linked), or the call fails. */
  private async settleHeld(run: RunRecord): Promise<void> {
    const calls = this.waits.get(run.id);
    const call = Array.isArray(calls) ? calls[0] : calls;
    if (!call || this.host.stopped()) return;
    const reason = await this.difference(call, run);
    if (reason === undefined && (await this.host.store.linkChild(run.id, this.host.runId, this.host.clock.now()))) {
      this.host.refresh(); // it may have finished already
      return;
    }
    if (this.waits.get(run.id) !== calls || this.host.stopped()) return;
    this.waits.delete(run.id);
    const message = childConflictMessage(run.id, reason ?? "as the child of another run");
    const conflict = new RunConflictError(run.id, message);
    for (const each of Array.isArray(calls) ? calls : [call]) {
      const error: ErrorInfo = { name: conflict.name, message, code: conflict.code };
      this.host.resolve(
        each.position,
        { ok: false, error },
        { type: "child.failed", name: each.name, childId: run.id, error },
      );
    }
  }

  /** How `run` differs from the child `call` asks for; undefined when it is that child. */
  private async difference(call: IssuedCall, run: RunRecord): Promise<string | undefined> {
    const { workflow, input } = call.child as NonNullable<IssuedCall["child"]>;
    const registered = this.host.workflows.get(workflow.name) ?? workflow;
    if (run.parentId !== undefined && run.parentId !== this.host.runId) {
      return `as the child of run "${run.parentId}"`;
    }
    if (run.workflow !== registered.name) return `with workflow "${run.workflow}", not "${registered.name}"`;
    let expected: unknown;
    try {
      expected = roundTrip(await validateInput(registered, input), `input of child "${run.id}"`);
    } catch {
      return "with a different input";
    }
    return isDeepStrictEqual(run.input, expected) ? undefined : "with a different input";
  }

  /** A child finished: records the outcome of the call waiting for it. */
  finished(child: RunRecord): void {
    const calls = this.waits.get(child.id);
    if (!calls || this.host.stopped()) return;
    this.waits.delete(child.id);
    const childId = child.id;
    for (const call of Array.isArray(calls) ? calls : [calls]) {
      if (child.status === "completed") {
        const event: NewEvent = { type: "child.completed", name: call.name, childId, output: child.output };
        this.host.resolve(call.position, { ok: true, value: child.output }, event);
        continue;
      }
      const info = child.error ?? {
        name: "ChildFailedError",
        message: `child run "${childId}" finished ${child.status}`,
      };
      this.host.resolve(
        call.position,
        { ok: false, error: info },
        { type: "child.failed", name: call.name, childId, error: info },
      );
    }
  }
}
