import type { TaskAttemptRecord } from "../history-record.js";
import { noEntries } from "../no-entries.js";
import type { CallOutcome, HistoryState } from "../runtime/history-state.js";
import type { IssuedCall } from "../runtime/workflow-runtime.js";
import type { HistoryRecord, NewTaskRecord, TaskRecord } from "../store/store.js";
import type { JournalExtras } from "./run-journal.js";

/** What task waits need from their run. */
export interface TaskHost {
  /** False once the run stopped or settled: outcomes stay unrecorded. */
  active(): boolean;
  /** Records `task.scheduled` with the task to register; resolves once committed. */
  schedule(event: Omit<HistoryRecord, "seq" | "at">, task: NewTaskRecord): Promise<void>;
  /** Registers a task again (a resumed run calls it anew); resolves once committed. */
  register(task: NewTaskRecord): Promise<void>;
  /** The run's tasks as stored. */
  stored(): Promise<TaskRecord[]>;
  /** Records and delivers the outcome of a task. */
  resolve(
    call: IssuedCall,
    outcome: CallOutcome,
    extras: JournalExtras,
    event: Omit<HistoryRecord, "seq" | "at">,
  ): void;
  /** A store operation failed: the run leaves memory. */
  failed(error: unknown): void;
}

/** The row to register for a task call. */
function newTask(call: IssuedCall): NewTaskRecord {
  const task = call.task as NonNullable<IssuedCall["task"]>;
  const { queue, timeoutMs, heartbeatTimeoutMs, retry } = task.options;
  const record: NewTaskRecord = {
    position: call.position,
    name: call.name,
    queue,
    input: task.input,
    timeoutMs,
    retry: {
      maxAttempts: retry.maxAttempts,
      initialIntervalMs: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      maxIntervalMs: retry.maxIntervalMs,
      jitter: retry.jitter,
    },
  };
  if (heartbeatTimeoutMs !== undefined) record.heartbeatTimeoutMs = heartbeatTimeoutMs;
  return record;
}

/** Every attempt of a finished task, its last one included. */
function attemptsOf(task: TaskRecord): TaskAttemptRecord[] {
  if (task.status !== "completed") return task.attempts;
  const last: TaskAttemptRecord = {
    attempt: task.attempt,
    workerId: task.workerId ?? "",
    startedAt: task.leasedAt ?? task.finishedAt ?? 0,
    finishedAt: task.finishedAt ?? 0,
  };
  return [...task.attempts, last];
}

/**
 * True when the run may have tasks queued or leased, or human tasks open: it
 * made such a call in this claim (`made`), or its history has one with no
 * recorded outcome.
 */
export function mayHaveOpenTasks(state: HistoryState, made: boolean | undefined): boolean {
  if (made) return true;
  for (const call of state.calls.values()) {
    if ((call.kind === "task" || call.kind === "human_task") && !call.outcome) return true;
  }
  return false;
}

/**
 * The task calls of one run. A task lives in the store on its own once
 * registered (by the write that records its `task.scheduled`): this waits
 * for the store to report it finished (the run's inbox, after the poke its
 * completion or final failure makes), then records `task.completed` or
 * `task.failed` and marks the task recorded in the same write. A call
 * recorded before this claim reads the run's tasks: a task finished
 * meanwhile is delivered, and one that is missing, recorded or cancelled
 * (the run was resumed) is registered again.
 */
export class TaskWaits {
  private waitEntries?: Map<number, IssuedCall>;
  private finishedEntries?: Map<number, TaskRecord>;
  private storedTasks?: Promise<Map<number, TaskRecord>>;
  /** A task call was made in this claim. */
  made = false;

  constructor(private readonly host: TaskHost) {}

  private get waits(): Map<number, IssuedCall> {
    return this.waitEntries ?? noEntries();
  }

  /** True while a task call is pending. */
  get waiting(): boolean {
    return this.waits.size > 0;
  }

  /** Hands a task out (or, recorded before, finds it again) and waits for it. */
  wait(call: IssuedCall): void {
    this.made = true;
    this.waitEntries ??= new Map();
    this.waitEntries.set(call.position, call);
    if (!call.recorded) {
      const event = { type: "task.scheduled" as const, position: call.position, name: call.name };
      const task = newTask(call);
      void this.host
        .schedule({ ...event, input: task.input, queue: task.queue }, task)
        .catch((error) => this.host.failed(error));
      return;
    }
    void this.find(call).catch((error) => this.host.failed(error));
  }

  /** Takes the finished tasks of the run's inbox. */
  add(tasks: TaskRecord[]): void {
    for (const task of tasks) {
      this.finishedEntries ??= new Map();
      this.finishedEntries.set(task.position, task);
    }
    this.match();
  }

  /** Forgets every wait (the run stopped or settled). */
  clearWaits(): void {
    this.waits.clear();
  }

  private async find(call: IssuedCall): Promise<void> {
    this.storedTasks ??= this.host
      .stored()
      .then((tasks) => new Map(tasks.map((task) => [task.position, task] as const)));
    const task = (await this.storedTasks).get(call.position);
    if (this.waits.get(call.position) !== call) return;
    if (!task || task.recorded || task.status === "cancelled") {
      await this.host.register(newTask(call));
      return;
    }
    if (task.status === "completed" || task.status === "failed") this.add([task]);
  }

  private match(): void {
    if (!this.host.active() || !this.finishedEntries) return;
    for (const [position, call] of this.waits) {
      const task = this.finishedEntries.get(position);
      if (!task) continue;
      this.waits.delete(position);
      this.finishedEntries.delete(position);
      this.receive(call, task);
    }
  }

  private receive(call: IssuedCall, task: TaskRecord): void {
    const extras: JournalExtras = { recordedTasks: [call.position] };
    const common = { name: call.name, attempt: task.attempt, workerId: task.workerId, attempts: attemptsOf(task) };
    if (task.status === "completed") {
      this.host.resolve(call, { ok: true, value: task.output }, extras, {
        type: "task.completed",
        ...common,
        output: task.output,
      });
      return;
    }
    const error = task.error ?? { name: "Error", message: `task "${call.name}" failed` };
    this.host.resolve(call, { ok: false, error }, extras, { type: "task.failed", ...common, error, final: true });
  }
}
