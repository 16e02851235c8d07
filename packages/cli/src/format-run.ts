import type { CallInfo, ErrorInfo, Run, RunStatus, RunSummary } from "@baton/server/wire-types";
import type { Colors } from "./colors.js";
import { formatTable } from "./format-table.js";
import { elapsed, formatDuration, formatTime } from "./format-time.js";

/** `status` in the colour of its kind: green done, red failed, yellow under way, dim cancelled. */
export function colorStatus(c: Colors, status: RunStatus | CallInfo["status"]): string {
  if (status === "completed") return c.green(status);
  if (status === "failed") return c.red(status);
  if (status === "cancelled" || status === "compensated") return c.magenta(status);
  return c.yellow(status);
}

/** How long a run took, or has been going (dim) when it has not finished. */
export function runDuration(c: Colors, run: RunSummary): string {
  return run.finishedAt
    ? formatDuration(elapsed(run.createdAt, run.finishedAt))
    : c.dim(formatDuration(elapsed(run.createdAt)));
}

/** An error as one line: Baton's code (else the error's name) and message, and its cause. */
export function formatError(error: ErrorInfo | undefined): string {
  if (!error) return "";
  const userError = error.code === undefined || error.code === "FATAL" || error.code === "RETRYABLE";
  const text = `${userError ? error.name : error.code}: ${error.message}`;
  return error.cause ? `${text} (caused by ${formatError(error.cause)})` : text;
}

/** A table of runs: id, workflow@version, status, created, duration. */
export function formatRunTable(c: Colors, runs: RunSummary[], indent = ""): string[] {
  const header = ["ID", "WORKFLOW", "STATUS", "CREATED", "DURATION"].map((title) => c.dim(title));
  const rows = runs.map((run) => [
    run.id,
    `${run.workflow}@${run.version}`,
    colorStatus(c, run.status),
    formatTime(run.createdAt),
    runDuration(c, run),
  ]);
  return formatTable([header, ...rows], indent);
}

/**
 * Everything `baton runs show` prints about a run: its header (status,
 * times, input, output, error), its steps with their attempts and errors,
 * its children and its pending signals.
 */
export function formatRun(c: Colors, run: Run): string[] {
  const field = (name: string, value: string) => `${c.dim(name.padEnd(9))} ${value}`;
  const lines = [
    `${c.bold(`run ${run.id}`)}  ${run.workflow}@${run.version}  ${colorStatus(c, run.status)}`,
    field("created", `${formatTime(run.createdAt)}  ${c.dim("duration")} ${runDuration(c, run)}`),
  ];
  if (run.parentId) lines.push(field("parent", run.parentId));
  lines.push(field("input", JSON.stringify(run.input) ?? ""));
  if (run.output !== undefined) lines.push(field("output", JSON.stringify(run.output)));
  if (run.error) lines.push(field("error", c.red(formatError(run.error))));
  if (run.cancelRequested && run.status !== "cancelled") lines.push(field("cancel", "requested"));
  if (run.steps.length > 0) lines.push("", c.bold("steps"), ...formatSteps(c, run.steps));
  if (run.children.length > 0) {
    // `childCount` is absent from a server older than it.
    const count = run.childCount ?? run.children.length;
    const title = count > run.children.length ? `children (the last ${run.children.length} of ${count})` : "children";
    lines.push("", c.bold(title), ...formatRunTable(c, run.children, "  "));
    if (count > run.children.length) lines.push(c.dim(`  all of them: baton runs list --parent ${run.id}`));
  }
  if (run.pendingSignals.length > 0) {
    const header = ["NAME", "PAYLOAD", "SENT"].map((title) => c.dim(title));
    const rows = run.pendingSignals.map((s) => [s.name, JSON.stringify(s.payload) ?? "", formatTime(s.sentAt)]);
    lines.push("", c.bold("pending signals"), ...formatTable([header, ...rows], "  "));
  }
  return lines;
}

function formatSteps(c: Colors, steps: CallInfo[]): string[] {
  const header = ["#", "KIND", "NAME", "STATUS", "ATTEMPTS", "DURATION", "DETAIL"].map((title) => c.dim(title));
  const rows = steps.map((step) => [
    String(step.position),
    step.kind,
    step.name,
    colorStatus(c, step.status),
    step.kind === "step" ? String(step.attempts.length) : "",
    step.finishedAt ? formatDuration(elapsed(step.startedAt, step.finishedAt)) : "",
    stepDetail(c, step),
  ]);
  const [head = "", ...body] = formatTable([header, ...rows], "  ");
  const lines = [head];
  body.forEach((line, index) => {
    lines.push(line);
    for (const attempt of steps[index]?.attempts ?? []) {
      if (attempt.status !== "failed") continue;
      const retry = attempt.retryAt ? `; retry at ${formatTime(attempt.retryAt, true)}` : "";
      lines.push(c.dim(`      attempt ${attempt.attempt} failed: ${formatError(attempt.error)}${retry}`));
    }
  });
  return lines;
}

function stepDetail(c: Colors, step: CallInfo): string {
  const details: string[] = [];
  if (step.status === "failed" && step.error) details.push(c.red(formatError(step.error)));
  if (step.childId) details.push(`run ${step.childId}`);
  if (step.dueAt && step.status !== "completed") {
    details.push(`${step.kind === "signal" ? "times out" : "due"} ${formatTime(step.dueAt)}`);
  }
  if (step.compensation) details.push(`compensation ${colorStatus(c, step.compensation.status)}`);
  return details.join("; ");
}
