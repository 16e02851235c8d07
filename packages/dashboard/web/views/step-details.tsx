import type { AttemptInfo, CallInfo, HistoryEvent } from "../api/api-types.js";
import { ErrorView } from "../components/error-view.js";
import { JsonView } from "../components/json-view.js";
import { StatusBadge } from "../components/status-badge.js";
import { formatSpan, formatTime } from "../lib/format.js";
import { runHref } from "../lib/route.js";

function Attempts({ title, attempts }: { title: string; attempts: readonly AttemptInfo[] }) {
  if (attempts.length === 0) return null;
  return (
    <div className="attempts">
      <h4>{title}</h4>
      <ol className="plain-list">
        {attempts.map((attempt) => (
          <li key={attempt.attempt} className="attempt">
            <div>
              <strong>Attempt {attempt.attempt}</strong> <StatusBadge status={attempt.status} />{" "}
              <span className="muted">
                {formatTime(attempt.startedAt, true)} · {formatSpan(attempt.startedAt, attempt.finishedAt)}
              </span>
              {attempt.retryAt && <span className="muted"> · next attempt at {formatTime(attempt.retryAt, true)}</span>}
            </div>
            {attempt.error && <ErrorView error={attempt.error} />}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** What came into a step from outside: a received signal or event payload, or a child's input. */
function received(step: CallInfo, history: readonly HistoryEvent[]): { title: string; value: unknown } | undefined {
  const at = (type: string) => history.find((e) => e.type === type && e.position === step.position);
  if (step.kind === "signal" || step.kind === "event") {
    const event = at(`${step.kind}.received`);
    if (event) return { title: `Received ${step.kind} payload`, value: event.payload };
  }
  if (step.kind === "child") {
    const event = at("child.started");
    if (event) return { title: "Input of the child run", value: event.input };
  }
  return undefined;
}

/** One step opened: its times, what it received, output, error, and every attempt with its error and stack. */
export function StepDetails({ step, history }: { step: CallInfo; history: readonly HistoryEvent[] }) {
  const input = received(step, history);
  return (
    <div className="step-details">
      <dl className="facts">
        <dt>Started</dt>
        <dd>{formatTime(step.startedAt, true)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(step.finishedAt, true)}</dd>
        {step.dueAt && (
          <>
            <dt>{step.kind === "timer" ? "Due" : "Times out"}</dt>
            <dd>{formatTime(step.dueAt, true)}</dd>
          </>
        )}
        {step.childId && (
          <>
            <dt>Child run</dt>
            <dd className="mono">
              <a href={runHref(step.childId)}>{step.childId}</a>
            </dd>
          </>
        )}
      </dl>
      {input && (
        <>
          <h4>{input.title}</h4>
          <JsonView value={input.value} />
        </>
      )}
      {step.output !== undefined && (
        <>
          <h4>Output</h4>
          <JsonView value={step.output} />
        </>
      )}
      {step.error && (
        <>
          <h4>Error</h4>
          <ErrorView error={step.error} />
        </>
      )}
      <Attempts title="Attempts" attempts={step.attempts} />
      {step.compensation && (
        <Attempts title={`Compensation (${step.compensation.status})`} attempts={step.compensation.attempts} />
      )}
    </div>
  );
}
