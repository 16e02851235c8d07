import { type FormEvent, useId, useMemo, useState } from "react";
import { ApiRequestError } from "../api/api-client.js";
import { useApi } from "../api/api-context.js";
import type { HumanTask, Issue } from "../api/api-types.js";
import { FormFields } from "../components/form-fields.js";
import {
  collectFormData,
  type FieldValue,
  type FormValues,
  initialFormValues,
  type PlacedIssues,
  placeIssues,
} from "../lib/form-data.js";
import { type FormModel, readFormModel } from "../lib/form-model.js";

/** What happened to an answer, for the page to tell. */
export interface AnswerNotice {
  tone: "ok" | "refused";
  text: string;
}

/** Props of `HumanTaskForm`. */
export interface HumanTaskFormProps {
  /** An open human task. */
  task: HumanTask;
  /** The API took the answer, or the human task was closed already: the page reads it again and tells `notice`. */
  onAnswered(notice: AnswerNotice): void;
}

const noIssues: PlacedIssues = { byField: new Map(), general: [] };

/** The form's data as JSON text, for a schema the form cannot draw as fields. */
function JsonAnswer({
  model,
  value,
  onChange,
  issues,
  id,
}: {
  model: Extract<FormModel, { kind: "json" }>;
  value: FieldValue | undefined;
  onChange(value: string): void;
  issues: readonly Issue[];
  id: string;
}) {
  return (
    <div className={`form-field field-json${issues.length > 0 ? " has-issue" : ""}`}>
      <label htmlFor={id}>Data (JSON{model.schema ? "" : ", optional"})</label>
      <textarea
        id={id}
        rows={6}
        spellCheck={false}
        value={typeof value === "string" ? value : ""}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={`${id}-hint`}
      />
      <span className="field-hint" id={`${id}-hint`}>
        {model.reason}
      </span>
    </div>
  );
}

/** The issues of no field: the data as a whole, or a field the form does not draw. */
function GeneralIssues({ issues }: { issues: readonly Issue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul className="form-issues" aria-label="Issues">
      {issues.map((issue, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: issues keep their order
        <li key={index} className="field-issue">
          {issue.path ? <span className="mono">{issue.path}: </span> : null}
          {issue.message}
        </li>
      ))}
    </ul>
  );
}

/**
 * The answer to an open human task: its form drawn from its JSON Schema
 * (or JSON text), an optional comment, Complete and Reject (after a
 * confirmation). The API checks the data against the form: its issues show
 * next to the fields they name. A read-only token sees the form disabled,
 * and why.
 */
export function HumanTaskForm({ task, onAnswered }: HumanTaskFormProps) {
  const { api, canAct, role, name } = useApi();
  const ids = useId();
  const formText = JSON.stringify(task.form ?? null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the form's text stands for the form (polls bring new objects)
  const model = useMemo(() => readFormModel(task.form), [formText]);
  const [values, setValues] = useState<FormValues>(() => initialFormValues(model));
  const [comment, setComment] = useState("");
  const [issues, setIssues] = useState<PlacedIssues>(noIssues);
  const [problem, setProblem] = useState<string>();
  const [sending, setSending] = useState(false);
  const [confirmingReject, setConfirmingReject] = useState(false);
  const path = `/api/human-tasks/${encodeURIComponent(task.id)}`;
  const change = (key: string, value: FieldValue) => setValues((current) => ({ ...current, [key]: value }));

  const send = async (action: "complete" | "reject", body: { data?: unknown; comment?: string }) => {
    setSending(true);
    setProblem(undefined);
    try {
      const answered = await api.post<HumanTask>(`${path}/${action}`, body);
      setIssues(noIssues);
      const verb = action === "complete" ? "Completed" : "Rejected";
      onAnswered({ tone: "ok", text: `${verb} as ${answered.completedBy ?? name}: the run goes on with the answer.` });
    } catch (error) {
      if (error instanceof ApiRequestError && error.code === "INVALID_INPUT" && error.issues.length > 0) {
        setIssues(placeIssues(model, error.issues));
        setProblem("The form's data was refused: see the issues next to the fields.");
      } else if (error instanceof ApiRequestError && error.code === "HUMAN_TASK_CLOSED") {
        onAnswered({ tone: "refused", text: `Your answer was not taken: ${error.message}.` });
      } else {
        const code = error instanceof ApiRequestError ? `${error.code}: ` : "";
        setProblem(`Refused: ${code}${error instanceof Error ? error.message : String(error)}`);
      }
    } finally {
      setSending(false);
    }
  };
  const withComment = comment.trim() === "" ? {} : { comment };
  const complete = (event: FormEvent) => {
    event.preventDefault();
    if (!canAct || sending) return;
    const collected = collectFormData(model, values);
    if (!collected.ok) {
      setIssues(placeIssues(model, collected.problems));
      setProblem("Some entries cannot be read: see the issues next to the fields.");
      return;
    }
    void send("complete", { ...(collected.data === undefined ? {} : { data: collected.data }), ...withComment });
  };
  const reject = () => {
    setConfirmingReject(false);
    void send("reject", withComment);
  };

  const readOnly = !canAct;
  return (
    <form className="human-task-form" aria-label="Answer the human task" noValidate onSubmit={complete}>
      {model.kind === "fields" && model.description && <p className="form-description">{model.description}</p>}
      <fieldset className="form-body" disabled={readOnly || sending}>
        {model.kind === "fields" ? (
          <FormFields
            fields={model.fields}
            values={values}
            onChange={change}
            issues={issues.byField}
            idPrefix={`${ids}-field`}
          />
        ) : (
          <JsonAnswer
            model={model}
            value={values[""]}
            onChange={(value) => change("", value)}
            issues={issues.general}
            id={`${ids}-json`}
          />
        )}
        <GeneralIssues issues={issues.general} />
        <div className="form-field field-comment">
          <label htmlFor={`${ids}-comment`}>Comment (optional)</label>
          <textarea
            id={`${ids}-comment`}
            rows={2}
            maxLength={10_000}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
          />
        </div>
      </fieldset>
      {readOnly && role && (
        <p className="read-only-note" id={`${ids}-read-only`}>
          Your token is read-only ({role}): it can see this human task but not answer it. An operator's token answers
          human tasks.
        </p>
      )}
      <div className="form-buttons">
        {confirmingReject ? (
          <fieldset className="confirm" aria-label="Confirm: Reject">
            <span className="confirm-question">Reject this human task? Its run goes on with the rejection.</span>
            <button type="button" className="button danger" onClick={reject}>
              Confirm
            </button>
            <button type="button" className="button plain" onClick={() => setConfirmingReject(false)}>
              Back
            </button>
          </fieldset>
        ) : (
          <>
            <button
              type="submit"
              className="button primary"
              disabled={readOnly || sending}
              aria-describedby={readOnly && role ? `${ids}-read-only` : undefined}
            >
              Complete
            </button>
            <button
              type="button"
              className="button danger"
              disabled={readOnly || sending}
              aria-describedby={readOnly && role ? `${ids}-read-only` : undefined}
              onClick={() => setConfirmingReject(true)}
            >
              Reject
            </button>
          </>
        )}
        {sending && <span className="action-result muted">sending…</span>}
        {canAct && name && <span className="muted answer-as">You answer as {name}.</span>}
      </div>
      {problem && (
        <p role="alert" className="action-result refused">
          {problem}
        </p>
      )}
    </form>
  );
}
