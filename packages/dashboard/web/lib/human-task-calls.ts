/**
 * A run's human task calls as its history tells them: what the person was
 * shown and whom it was for (`human_task.created`), the reminder
 * (`human_task.reminded`), a reassignment by the timeout
 * (`human_task.reassigned`), the answer with who gave it and when
 * (`human_task.completed`) or the timeout (`human_task.timed_out`). A
 * resumed or forked run creates a human task again at the same position:
 * its call is told from its last creation on.
 */
import type { ErrorInfo, HistoryEvent } from "../api/api-types.js";

/** What a person answered. */
export interface HumanTaskCallAnswer {
  outcome: "completed" | "rejected";
  data?: unknown;
  comment?: string;
  completedBy?: string;
  completedAt?: string;
}

/** One human task call of a run, from its history. */
export interface HumanTaskCall {
  position: number;
  /** The human task's id in the inbox: `<run id>:<position>`. */
  id: string;
  title?: string;
  description?: string;
  /** Whom it is for now (after a reassignment, the new assignee and role). */
  assignee?: string;
  role?: string;
  context?: unknown;
  createdAt: string;
  /** When it times out, while open (moved by a reassignment). */
  dueAt?: string;
  /** When it was marked for a reminder. */
  remindedAt?: string;
  /** Its timeout gave it to someone else: when, and whom it was for before. */
  reassigned?: { at: string; from: { assignee?: string; role?: string } };
  answer?: HumanTaskCallAnswer;
  timedOut?: { at: string; error?: ErrorInfo };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const textOf = (value: unknown) => (typeof value === "string" ? value : undefined);

/** Keeps the defined entries of `fields`. */
function defined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}

/** An answer recorded by `human_task.completed`. */
function readAnswer(output: unknown): HumanTaskCallAnswer | undefined {
  if (!isRecord(output)) return undefined;
  return defined({
    outcome: output.outcome === "rejected" ? ("rejected" as const) : ("completed" as const),
    data: output.data,
    comment: textOf(output.comment),
    completedBy: textOf(output.completedBy),
    completedAt: textOf(output.completedAt),
  });
}

/** The human task calls of run `runId`, by position, from its history (oldest first). */
export function readHumanTaskCalls(runId: string, history: readonly HistoryEvent[]): Map<number, HumanTaskCall> {
  const calls = new Map<number, HumanTaskCall>();
  for (const event of history) {
    if (!event.type.startsWith("human_task.") || event.position === undefined) continue;
    const position = event.position;
    if (event.type === "human_task.created") {
      const shown = isRecord(event.input) ? event.input : {};
      calls.set(
        position,
        defined({
          position,
          id: `${runId}:${position}`,
          title: textOf(shown.title),
          description: textOf(shown.description),
          assignee: textOf(shown.assignee),
          role: textOf(shown.role),
          context: shown.context,
          createdAt: event.at,
          dueAt: event.dueAt,
        }),
      );
      continue;
    }
    const call = calls.get(position);
    if (!call) continue;
    if (event.type === "human_task.reminded") call.remindedAt = event.at;
    else if (event.type === "human_task.reassigned") {
      const to = isRecord(event.input) ? event.input : {};
      const { assignee, role, dueAt: _, ...rest } = call;
      calls.set(position, {
        ...rest,
        ...defined({ assignee: textOf(to.assignee), role: textOf(to.role), dueAt: event.dueAt }),
        reassigned: { at: event.at, from: defined({ assignee, role }) },
      });
    } else if (event.type === "human_task.completed") call.answer = readAnswer(event.output);
    else if (event.type === "human_task.timed_out") call.timedOut = defined({ at: event.at, error: event.error });
  }
  return calls;
}

/** Whom a human task is for, in words: `ada`, `role finance`, `ada · role finance`, `anyone`. */
export function describeWhom({ assignee, role }: { assignee?: string; role?: string }): string {
  const parts = [assignee, role === undefined ? undefined : `role ${role}`].filter((p) => p !== undefined);
  return parts.length > 0 ? parts.join(" · ") : "anyone";
}

/** What a `human_task.*` history event adds to its line: whom it is for, or who answered. */
export function describeHumanTaskEvent(event: HistoryEvent): string | undefined {
  const input = isRecord(event.input) ? event.input : {};
  const whom = { assignee: textOf(input.assignee), role: textOf(input.role) };
  if (event.type === "human_task.created") return `for ${describeWhom(whom)}`;
  if (event.type === "human_task.reassigned") return `to ${describeWhom(whom)}`;
  if (event.type === "human_task.completed") {
    const answer = readAnswer(event.output);
    return answer ? `${answer.outcome} by ${answer.completedBy ?? "?"}` : undefined;
  }
  if (event.type === "human_task.timed_out")
    return event.error ? "no answer in time: the call failed" : "no answer in time";
  return undefined;
}
