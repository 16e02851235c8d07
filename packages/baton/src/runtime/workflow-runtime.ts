/**
 * Runs a workflow function against its recorded history and tells its host
 * which calls need real work. Knows nothing of stores, timers or workers.
 *
 * Invariants:
 * - Positions are given in the order the code issues calls.
 * - A call recorded with an outcome is never handed to the host again; its
 *   outcome is delivered from history.
 * - Resolutions are delivered one per turn of the event loop, in seq order,
 *   so the code between two durable calls always runs with the same inputs
 *   and in the same interleaving as the first time (live deliveries follow
 *   the same rule, so there is no difference between replay and live).
 * - A mismatch between the code and the history settles the run with a
 *   `NondeterminismError` before the mismatching call does anything.
 */

import type { StandardSchemaV1 } from "@standard-schema/spec";
import { v4 as uuidv4 } from "uuid";
import { toMilliseconds } from "../duration.js";
import { BatonError, NondeterminismError, TimeoutError } from "../errors.js";
import { checkEventMatch } from "../event-match.js";
import { type ResolvedHumanTask, resolveHumanTaskOptions } from "../human-task-options.js";
import { childFailure, roundTrip, stepFailure, taskFailure } from "../json.js";
import { nextTurn } from "../next-turn.js";
import { noEntries } from "../no-entries.js";
import { resolveTaskOptions } from "../task-options.js";
import type { CallKind, EventMatch } from "../types.js";
import { checkStepOptions, type StepOptions, type Workflow, type WorkflowContext } from "../workflow.js";
import type { HistoryState, Resolution } from "./history-state.js";
import type { IssuedCall, RuntimeHost, RuntimeOutcome } from "./runtime-types.js";

export type { IssuedCall, RuntimeHost, RuntimeOutcome } from "./runtime-types.js";

/** The first 6 bytes of `bytes` as a big-endian unsigned integer. */
function readUint48(bytes: Uint8Array): number {
  let value = 0;
  for (let i = 0; i < 6; i++) value = value * 256 + (bytes[i] as number);
  return value;
}

const never = <T>() => new Promise<T>(() => {});
const ignore = () => {};
const describe = (kind: CallKind, name: string) => `${kind} "${name}"`;

/** Executes one run's workflow function. */
export class WorkflowRuntime {
  /** Calls issued so far, by position. */
  readonly calls: IssuedCall[] = [];
  private readonly queue: Resolution[];
  /**
   * How to settle each unresolved call's promise, by position (an array: a
   * map that empties after every call allocates again as it shrinks and grows).
   */
  private readonly waiters: ({ resolve: (v: unknown) => void; reject: (e: unknown) => void } | undefined)[] = [];
  private handlerEntries?: Map<string, (payload: unknown) => void>;
  /** Where each failure delivered to the code came from (made at the first failure). */
  private errorPositions?: WeakMap<object, number>;
  private lastFailure?: number;
  private outcome?: RuntimeOutcome;
  private pumping = false;
  private time: number;
  private draws = 0;

  constructor(
    private readonly workflow: Workflow,
    private readonly run: { id: string; input: unknown; scheduledAt?: number },
    private readonly state: HistoryState,
    private readonly host: RuntimeHost,
  ) {
    this.queue = [...state.resolutions];
    this.time = state.startedAt;
  }

  /** True once the workflow function settled or was stopped. */
  get settled(): boolean {
    return this.outcome !== undefined;
  }

  /** Calls the workflow function and starts delivering recorded resolutions. */
  start(): void {
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(this.workflow.fn(this.createContext(), this.run.input));
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (output) => this.finish({ kind: "completed", output }),
      (error) => this.finish({ kind: "failed", error, position: this.causeOf(error) }),
    );
    this.schedulePump();
  }

  /** Queues a resolution for delivery (after its history event was committed). */
  deliver(resolution: Resolution): void {
    this.queue.push(resolution);
    this.schedulePump();
  }

  /** Signal names with a registered `onSignal` handler. */
  handlerNames(): string[] {
    return [...this.handlers.keys()];
  }

  private get handlers(): Map<string, (payload: unknown) => void> {
    return this.handlerEntries ?? noEntries();
  }

  private finish(outcome: RuntimeOutcome): void {
    if (this.outcome) return;
    if (outcome.kind === "completed") {
      for (const recorded of this.state.calls.values()) {
        if (recorded.position >= this.calls.length) {
          outcome = {
            kind: "nondeterminism",
            error: new NondeterminismError(
              `run "${this.run.id}" is not deterministic: its history has ${describe(recorded.kind, recorded.name)} at position ${recorded.position}, but the workflow returned without calling it`,
            ),
          };
          break;
        }
      }
    }
    this.outcome = outcome;
    this.host.workflowSettled(outcome);
  }

  private schedulePump(): void {
    if (this.pumping || this.outcome) return;
    this.pumping = true;
    void nextTurn().then(this.pump);
  }

  /** Delivers the next queued resolution, then comes back a turn later; quiet once none is left. */
  private readonly pump = (): void => {
    if (this.outcome) {
      this.pumping = false;
      return;
    }
    const next = this.queue.shift();
    if (!next) {
      this.pumping = false;
      this.host.quiet();
      return;
    }
    this.time = Math.max(this.time, next.at);
    this.apply(next);
    void nextTurn().then(this.pump);
  };

  private apply(resolution: Resolution): void {
    switch (resolution.kind) {
      case "cancel":
        this.finish({ kind: "cancelled" });
        return;
      case "timeout":
        this.finish({
          kind: "failed",
          error: new TimeoutError("RUN_TIMEOUT", `run "${this.run.id}" exceeded its timeout`),
        });
        return;
      case "handler": {
        const handler = this.handlers.get(resolution.name);
        if (!handler) {
          this.mismatch(
            `its history delivered signal "${resolution.name}" to a handler, but the workflow registered none`,
          );
          return;
        }
        try {
          handler(resolution.payload);
        } catch (error) {
          this.finish({ kind: "failed", error });
        }
        return;
      }
      case "call": {
        const call = this.calls[resolution.position];
        const waiter = this.waiters[resolution.position];
        if (!call || !waiter) {
          const recorded = this.state.calls.get(resolution.position);
          const what = recorded ? describe(recorded.kind, recorded.name) : "a call";
          this.mismatch(`its history has ${what} at position ${resolution.position}, but the workflow did not call it`);
          return;
        }
        this.waiters[resolution.position] = undefined;
        if (resolution.outcome.ok) {
          waiter.resolve(resolution.outcome.value);
          return;
        }
        const error =
          call.kind === "child"
            ? childFailure(call.child?.id ?? call.recorded?.childId ?? "", resolution.outcome.error)
            : call.kind === "task" || call.kind === "human_task"
              ? taskFailure(call.name, call.position, resolution.outcome.error)
              : stepFailure(call.name, call.position, resolution.outcome.error);
        this.errorPositions ??= new WeakMap();
        this.errorPositions.set(error, call.position);
        this.lastFailure = call.position;
        waiter.reject(error);
      }
    }
  }

  private mismatch(detail: string): void {
    this.finish({
      kind: "nondeterminism",
      error: new NondeterminismError(`run "${this.run.id}" is not deterministic: ${detail}`),
    });
  }

  private causeOf(error: unknown): number | undefined {
    for (let e = error; e instanceof Error; e = e.cause) {
      const position = this.errorPositions?.get(e);
      if (position !== undefined) return position;
    }
    return this.lastFailure;
  }

  private issue<T>(kind: CallKind, name: string, extra: Partial<IssuedCall> = {}): Promise<T> {
    if (typeof name !== "string" || name.length === 0 || name.length > 200) {
      return Promise.reject(
        new BatonError("INVALID_NAME", `invalid ${kind} name ${JSON.stringify(name)}: expected 1 to 200 characters`),
      );
    }
    if (this.outcome) return never<T>();
    const position = this.calls.length;
    const recorded = this.state.calls.get(position);
    if (recorded && (recorded.kind !== kind || recorded.name !== name)) {
      this.mismatch(
        `at position ${position} its history has ${describe(recorded.kind, recorded.name)}, but the workflow called ${describe(kind, name)}`,
      );
      return never<T>();
    }
    const call: IssuedCall = { position, kind, name, recorded, ...extra };
    // A wait made for the first time counts from now, not from the run's last recorded event.
    if (call.delayMs !== undefined)
      call.dueAt = (recorded ? this.time : Math.max(this.time, this.host.now())) + call.delayMs;
    if (recorded?.dueAt !== undefined) call.dueAt = recorded.dueAt;
    if (recorded?.kind === "event") call.match = recorded.match;
    if (call.child && recorded?.childId) call.child.id = recorded.childId;
    this.calls.push(call);
    const promise = new Promise<T>((resolve, reject) => {
      this.waiters[position] = { resolve: resolve as (v: unknown) => void, reject };
    });
    promise.catch(ignore); // a call the code never awaits must not crash the process
    if (!recorded?.outcome) this.host.startCall(call);
    return promise;
  }

  /**
   * Whether the code takes patch `id`'s new path: yes when the history
   * applied it, no when the history holds calls past this point without it
   * (it was recorded by code before the patch), else yes, and recorded.
   */
  private patch(id: string): boolean {
    if (typeof id !== "string" || id.length === 0 || id.length > 200) {
      throw new BatonError("INVALID_NAME", `invalid patch id ${JSON.stringify(id)}: expected 1 to 200 characters`);
    }
    if (this.state.patches.has(id)) return true;
    if (this.calls.length <= this.state.lastPosition) return false;
    this.state.patches.add(id);
    this.host.patchApplied(id);
    return true;
  }

  private draw(purpose: string): Uint8Array {
    return this.host.digest(`${this.run.id}:${purpose}:${this.draws++}`);
  }

  private createContext(): WorkflowContext {
    const runtime = this;
    return {
      runId: this.run.id,
      workflow: this.workflow.name,
      scheduledAt: this.run.scheduledAt === undefined ? undefined : new Date(this.run.scheduledAt),
      step(name, fn, options) {
        if (options !== undefined) {
          try {
            checkStepOptions(options);
          } catch (error) {
            return Promise.reject(error);
          }
        }
        return runtime.issue("step", name, { fn, options: options as StepOptions<unknown> });
      },
      stepKey() {
        const key = runtime.host.stepKey();
        if (key === undefined) {
          throw new BatonError("NOT_IN_STEP", "ctx.stepKey() can only be called inside a step function");
        }
        return key;
      },
      sleep(duration) {
        return runtime.issue("timer", "sleep", { delayMs: toMilliseconds(duration) });
      },
      sleepUntil(until) {
        return runtime.issue("timer", "sleep", { dueAt: typeof until === "number" ? until : until.getTime() });
      },
      waitForSignal(name, options) {
        const delayMs = options?.timeout === undefined ? undefined : toMilliseconds(options.timeout);
        const schema = options?.schema as StandardSchemaV1 | undefined;
        if (schema !== undefined && typeof schema?.["~standard"]?.validate !== "function") {
          return Promise.reject(
            new BatonError(
              "INVALID_SCHEMA",
              `invalid schema of the wait for signal "${name}": expected a Standard Schema (zod, valibot, arktype...)`,
            ),
          );
        }
        return runtime.issue("signal", name, schema ? { delayMs, schema } : { delayMs });
      },
      waitForEvent(name, options) {
        let match: EventMatch | undefined;
        try {
          match = options?.match === undefined ? undefined : checkEventMatch(name, options.match);
        } catch (error) {
          return Promise.reject(error);
        }
        const delayMs = options?.timeout === undefined ? undefined : toMilliseconds(options.timeout);
        return runtime.issue("event", name, { delayMs, match });
      },
      signals<T>(name: string): AsyncIterable<T> {
        return {
          [Symbol.asyncIterator]: () => ({
            next: async () => ({ value: (await runtime.issue<T>("signal", name)) as T, done: false }),
          }),
        };
      },
      onSignal(name, handler) {
        runtime.handlerEntries ??= new Map();
        runtime.handlerEntries.set(name, handler as (payload: unknown) => void);
        runtime.host.handlerRegistered(name);
      },
      task(name, input, options) {
        let task: IssuedCall["task"];
        try {
          task = {
            input: roundTrip(input, `input of task "${name}"`),
            options: resolveTaskOptions(name, options, runtime.workflow.options.retry),
          };
        } catch (error) {
          return Promise.reject(error);
        }
        return runtime.issue("task", name, { task });
      },
      humanTask(name, options) {
        let human: ResolvedHumanTask;
        try {
          human = resolveHumanTaskOptions(name, options);
        } catch (error) {
          return Promise.reject(error);
        }
        return runtime.issue("human_task", name, { human, delayMs: human.timeoutMs });
      },
      child(workflow, input, options) {
        const id = options?.id ?? `${runtime.run.id}-${runtime.calls.length}`;
        return runtime.issue("child", workflow.name, { child: { workflow: workflow as Workflow, input, id } });
      },
      patched: (id) => runtime.patch(id),
      deprecatePatch: (id) => {
        runtime.patch(id);
      },
      now: () => new Date(runtime.time),
      random: () => readUint48(runtime.draw("random")) / 2 ** 48,
      uuid: () => uuidv4({ random: runtime.draw("uuid").subarray(0, 16) }),
    };
  }
}
