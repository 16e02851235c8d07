import type { Clock } from "../clock.js";
import { toMilliseconds } from "../duration.js";
import { roundTrip, toErrorInfo } from "../json.js";
import { noEntries } from "../no-entries.js";
import type { CallOutcome } from "../runtime/history-state.js";
import type { IssuedCall } from "../runtime/workflow-runtime.js";
import type { NewRun, RecordedEvent, RunRecord } from "../store/store.js";
import { validateInput } from "../validate-input.js";
import type { Workflow } from "../workflow.js";

type NewEvent = Omit<RecordedEvent, "seq" | "at">;

/** What child calls need from their run. */
export interface ChildHost {
  readonly runId: string;
  readonly clock: Clock;
  /** Registered workflows by name: a child runs the registered definition of its workflow. */
  readonly workflows: Map<string, Workflow>;
  stopped(): boolean;
  /** Records `child.started` with the child run to create in the same write. */
  started(event: NewEvent, child: NewRun): void;
  /** Records and delivers the outcome of a child call. */
  resolve(position: number, outcome: CallOutcome, event: NewEvent): void;
  /** Reads the run's inbox again (a child recorded before may have ended meanwhile). */
  refresh(): void;
}

/** The children a run waits for: starts them, and records how each ended. */
export class ChildWaits {
  private entries?: Map<string, IssuedCall>;

  private get waits(): Map<string, IssuedCall> {
    return this.entries ?? noEntries();
  }

  constructor(private readonly host: ChildHost) {}

  /** Number of children waited for. */
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
      this.host.started(
        { type: "child.started", position: call.position, name: call.name, childId: id, input: childInput },
        {
          id,
          workflow: registered.name,
          version: registered.version,
          input: childInput,
          parentId: this.host.runId,
          timeoutMs: timeout === undefined ? undefined : toMilliseconds(timeout),
          history: [{ type: "run.started", at: this.host.clock.now(), input: childInput }],
        },
      );
    }
    this.entries ??= new Map();
    this.entries.set(id, call);
    if (call.recorded) this.host.refresh();
  }

  /** A child ended: records the outcome of the call waiting for it. */
  finished(child: RunRecord): void {
    const call = this.waits.get(child.id);
    if (!call || this.host.stopped()) return;
    this.waits.delete(child.id);
    const childId = child.id;
    if (child.status === "completed") {
      const event: NewEvent = { type: "child.completed", name: call.name, childId, output: child.output };
      this.host.resolve(call.position, { ok: true, value: child.output }, event);
      return;
    }
    const info = child.error ?? { name: "ChildFailedError", message: `child run "${childId}" ended ${child.status}` };
    this.host.resolve(
      call.position,
      { ok: false, error: info },
      { type: "child.failed", name: call.name, childId, error: info },
    );
  }
}
