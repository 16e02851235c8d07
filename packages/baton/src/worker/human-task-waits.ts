/**
 * The human task calls of one run. A human task lives in the store once
 * registered (by the write that records its `human_task.created`): people
 * answer it there, which pokes the run; this records the answer
 * (`human_task.completed`) and marks the task recorded in the same write.
 * Its clock is the run's: at its reminder it records `human_task.reminded`;
 * at its timeout it reassigns it once (`human_task.reassigned`) or asks the
 * store to close it, and records `human_task.timed_out` unless a person
 * answered first. A call recorded before this claim reads the run's human
 * tasks: an answer given meanwhile is delivered, one that is missing,
 * recorded or cancelled (the run was resumed) is created again.
 */
import type { ResolvedHumanTask } from "../human-task-options.js";
import { noEntries } from "../no-entries.js";
import type { CallOutcome } from "../runtime/history-state.js";
import type { IssuedCall } from "../runtime/workflow-runtime.js";
import type { HistoryRecord, HumanTaskRecord, NewHumanTaskRecord } from "../store/store.js";
import type { HumanTaskResult } from "../types.js";
import type { ClockWaits } from "./clock-waits.js";
import type { JournalExtras } from "./run-journal.js";

type NewEvent = Omit<HistoryRecord, "seq" | "at">;

/** What human task waits need from their run. */
export interface HumanTaskHost {
  /** False once the run stopped or settled: answers stay unrecorded. */
  active(): boolean;
  /** False while the run is stopping or stopped: nothing more is recorded. */
  recording(): boolean;
  waits: ClockWaits;
  now(): number;
  /** Records an event with fields; resolves once committed. */
  record(event: NewEvent, extras: JournalExtras): Promise<void>;
  /** The run's human tasks as stored. */
  stored(): Promise<HumanTaskRecord[]>;
  /** Times the task out in the store; the task when a person answered first (`Store.closeHumanTask`). */
  close(position: number): Promise<HumanTaskRecord | undefined>;
  /** Records and delivers the outcome of a human task. */
  resolve(call: IssuedCall, outcome: CallOutcome, extras: JournalExtras, event: NewEvent): void;
  /** A store operation failed: the run leaves memory. */
  failed(error: unknown): void;
}

/** The answer a workflow gets from a task a person answered. */
function answerOf(task: HumanTaskRecord): HumanTaskResult {
  const answer: HumanTaskResult = {
    outcome: task.status === "rejected" ? "rejected" : "completed",
    completedBy: task.completedBy ?? "",
    completedAt: new Date(task.completedAt ?? 0).toISOString(),
  };
  if (task.data !== undefined) answer.data = task.data;
  if (task.comment !== undefined) answer.comment = task.comment;
  return answer;
}

/** Tells whether a run may have open human tasks: it made a human task call with no recorded outcome. */
export function humanTaskCallOpen(call: { kind: string; outcome?: unknown }): boolean {
  return call.kind === "human_task" && !call.outcome;
}

/** The human task calls of one run (see the module's header). */
export class HumanTaskWaits {
  private waitEntries?: Map<number, IssuedCall>;
  private answeredEntries?: Map<number, HumanTaskRecord>;
  private storedTasks?: Promise<Map<number, HumanTaskRecord>>;
  /** Positions whose timeout reassigned them (in this claim or recorded). */
  private readonly reassigned = new Set<number>();
  /** A human task call was made in this claim. */
  made = false;

  constructor(private readonly host: HumanTaskHost) {}

  private get waits(): Map<number, IssuedCall> {
    return this.waitEntries ?? noEntries();
  }

  /** True while a human task call is pending. */
  get waiting(): boolean {
    return this.waits.size > 0;
  }

  /** Creates the human task (or, recorded before, finds it again) and waits for an answer. */
  wait(call: IssuedCall): void {
    this.made = true;
    this.waitEntries ??= new Map();
    this.waitEntries.set(call.position, call);
    if (call.recorded?.reassigned) this.reassigned.add(call.position);
    const work = call.recorded ? this.find(call) : this.create(call);
    work.catch((error) => this.host.failed(error));
  }

  /** Takes the answered human tasks of the run's inbox. */
  add(tasks: HumanTaskRecord[]): void {
    for (const task of tasks) {
      this.answeredEntries ??= new Map();
      this.answeredEntries.set(task.position, task);
    }
    this.match();
  }

  /** Forgets every wait (the run stopped or settled). */
  clearWaits(): void {
    this.waits.clear();
  }

  /** Records `human_task.created` with the task (due and reminded from now), then arms its timers. */
  private async create(call: IssuedCall, dueAt = call.dueAt): Promise<void> {
    const human = call.human as ResolvedHumanTask;
    const now = this.host.now();
    const task: NewHumanTaskRecord = { position: call.position, name: call.name, title: human.title };
    for (const key of ["description", "form", "context", "assignee", "role"] as const) {
      if (human[key] !== undefined) (task as unknown as Record<string, unknown>)[key] = human[key];
    }
    if (dueAt !== undefined) task.dueAt = dueAt;
    if (human.reminderMs !== undefined) task.remindAt = now + human.reminderMs;
    const shown: Record<string, unknown> = { title: human.title };
    for (const key of ["description", "assignee", "role", "context"] as const) {
      if (human[key] !== undefined) shown[key] = human[key];
    }
    const event: NewEvent = { type: "human_task.created", position: call.position, name: call.name, input: shown };
    if (dueAt !== undefined) event.dueAt = dueAt;
    await this.host.record(event, { humanTasks: [task] });
    this.arm(call, task.dueAt, task.remindAt);
  }

  private async find(call: IssuedCall): Promise<void> {
    this.storedTasks ??= this.host
      .stored()
      .then((tasks) => new Map(tasks.map((task) => [task.position, task] as const)));
    const task = (await this.storedTasks).get(call.position);
    if (this.waits.get(call.position) !== call) return;
    if (!task || task.recorded || task.status === "cancelled") {
      // Created anew (a resumed or forked run), with a timeout counted from now.
      const timeoutMs = (call.human as ResolvedHumanTask).timeoutMs;
      await this.create(call, timeoutMs === undefined ? undefined : this.host.now() + timeoutMs);
      return;
    }
    if (task.status === "completed" || task.status === "rejected") this.add([task]);
    else if (task.status === "timed_out") void this.expire(call);
    else this.arm(call, call.dueAt, call.recorded?.reminded ? undefined : task.remindAt);
  }

  private arm(call: IssuedCall, dueAt: number | undefined, remindAt: number | undefined): void {
    const { waits } = this.host;
    if (remindAt !== undefined && (dueAt === undefined || remindAt < dueAt)) {
      void waits
        .until(`remind:${call.position}`, remindAt)
        .then((fired) => {
          if (!fired || this.waits.get(call.position) !== call || !this.host.active() || !this.host.recording()) return;
          return this.host.record({ type: "human_task.reminded", position: call.position, name: call.name }, {});
        })
        .catch((error) => this.host.failed(error));
    }
    if (dueAt !== undefined) {
      void waits
        .until(`human:${call.position}`, dueAt)
        .then((fired) => (fired ? this.timedOut(call) : undefined))
        .catch((error) => this.host.failed(error));
    }
  }

  /** The timeout passed: reassign once, or close the task (the store decides whether a person answered first). */
  private async timedOut(call: IssuedCall): Promise<void> {
    if (this.waits.get(call.position) !== call || !this.host.active() || !this.host.recording()) return;
    const human = call.human as ResolvedHumanTask;
    const escalation = human.onTimeout;
    if (escalation.kind === "reassign" && !this.reassigned.has(call.position)) {
      this.reassigned.add(call.position);
      const timeoutMs = escalation.timeoutMs ?? human.timeoutMs;
      const dueAt = timeoutMs === undefined ? undefined : this.host.now() + timeoutMs;
      const to = { assignee: escalation.assignee, role: escalation.role };
      const event: NewEvent = { type: "human_task.reassigned", position: call.position, name: call.name, input: to };
      if (dueAt !== undefined) event.dueAt = dueAt;
      await this.host.record(event, { reassignedHumanTasks: [{ position: call.position, ...to, dueAt }] });
      this.arm(call, dueAt, undefined);
      return;
    }
    await this.expire(call);
  }

  private async expire(call: IssuedCall): Promise<void> {
    this.waits.delete(call.position);
    this.host.waits.cancel(`remind:${call.position}`);
    const answered = await this.host.close(call.position);
    if (!this.host.active() || !this.host.recording()) return;
    if (answered) {
      this.receive(call, answered);
      return;
    }
    const escalation = (call.human as ResolvedHumanTask).onTimeout;
    const fails = escalation.kind === "fail" || (escalation.kind === "reassign" && escalation.then === "fail");
    const extras: JournalExtras = { recordedHumanTasks: [call.position] };
    const event: NewEvent = { type: "human_task.timed_out", name: call.name };
    if (!fails) {
      this.host.resolve(call, { ok: true, value: undefined }, extras, event);
      return;
    }
    const error = {
      name: "TimeoutError",
      code: "HUMAN_TASK_TIMEOUT",
      message: `human task "${call.name}" got no answer in time`,
    };
    this.host.resolve(call, { ok: false, error }, extras, { ...event, error });
  }

  private match(): void {
    if (!this.host.active() || !this.answeredEntries) return;
    for (const [position, call] of this.waits) {
      const task = this.answeredEntries.get(position);
      if (!task) continue;
      this.answeredEntries.delete(position);
      this.receive(call, task);
    }
  }

  private receive(call: IssuedCall, task: HumanTaskRecord): void {
    this.waits.delete(call.position);
    this.host.waits.cancel(`human:${call.position}`);
    this.host.waits.cancel(`remind:${call.position}`);
    const answer = answerOf(task);
    this.host.resolve(
      call,
      { ok: true, value: answer },
      { recordedHumanTasks: [call.position] },
      { type: "human_task.completed", name: call.name, output: answer },
    );
  }
}
