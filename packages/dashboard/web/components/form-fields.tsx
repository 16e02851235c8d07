import type { ReactNode } from "react";
import type { FieldValue, FormValues } from "../lib/form-data.js";
import type { FormField } from "../lib/form-model.js";

/** Props of `FormFields`. */
export interface FormFieldsProps {
  fields: readonly FormField[];
  values: FormValues;
  onChange(key: string, value: FieldValue): void;
  /** The API's issues by field key. */
  issues: ReadonlyMap<string, string[]>;
  /** Prefix of the inputs' ids (unique in the page). */
  idPrefix: string;
}

/** The id of a field's input, from the page's prefix and the field's key (any text). */
const inputId = (prefix: string, key: string) => `${prefix}-${encodeURIComponent(key).replaceAll("%", "_")}`;

/** A field's label text, with a mark when it is required. */
function LabelText({ field }: { field: FormField }) {
  return (
    <>
      {field.label}
      {field.required && (
        <span className="required" aria-hidden="true" title="required">
          {" "}
          *
        </span>
      )}
    </>
  );
}

/** The hint and the issues under a field. */
function FieldNotes({ field, id, issues }: { field: FormField; id: string; issues: string[] | undefined }) {
  return (
    <>
      {field.hint && (
        <span className="field-hint" id={`${id}-hint`}>
          {field.hint}
        </span>
      )}
      {field.kind === "json" && <span className="field-hint">As JSON ({field.reason}).</span>}
      {issues && (
        <span className="field-issues" id={`${id}-issue`}>
          {issues.map((message, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the issues of a field keep their order
            <span key={index} className="field-issue">
              {message}
            </span>
          ))}
        </span>
      )}
    </>
  );
}

/** The input of one field that is not a group or a list of choices. */
function FieldInput({
  field,
  id,
  value,
  onChange,
  described,
  invalid,
}: {
  field: FormField;
  id: string;
  value: FieldValue | undefined;
  onChange(value: FieldValue): void;
  described: string | undefined;
  invalid: boolean;
}): ReactNode {
  const text = typeof value === "string" ? value : "";
  const common = {
    id,
    "aria-describedby": described,
    "aria-invalid": invalid || undefined,
    "aria-required": field.required || undefined,
  };
  switch (field.kind) {
    case "checkbox":
      return (
        <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
      );
    case "select":
      return (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          <option value="">{field.required ? "choose…" : "none"}</option>
          {field.options.map((option, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: an option's index is its value
            <option key={index} value={String(index)}>
              {option.label}
            </option>
          ))}
        </select>
      );
    case "number":
      return (
        <input
          {...common}
          type="number"
          inputMode={field.integer ? "numeric" : "decimal"}
          step={field.integer ? 1 : "any"}
          min={field.minimum}
          max={field.maximum}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case "json":
      return (
        <textarea {...common} rows={3} spellCheck={false} value={text} onChange={(e) => onChange(e.target.value)} />
      );
    case "text":
      return field.multiline ? (
        <textarea
          {...common}
          rows={4}
          maxLength={field.maxLength}
          minLength={field.minLength}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <input
          {...common}
          type={field.input}
          maxLength={field.maxLength}
          minLength={field.minLength}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    default:
      return null;
  }
}

/** One field: its label, input, hint and issues; a group or a list of choices as a fieldset. */
function Field({ field, values, onChange, issues, idPrefix }: Omit<FormFieldsProps, "fields"> & { field: FormField }) {
  const id = inputId(idPrefix, field.key);
  const own = issues.get(field.key);
  const className = `form-field field-${field.kind}${own ? " has-issue" : ""}`;
  if (field.kind === "group" || field.kind === "choices") {
    const chosen = Array.isArray(values[field.key]) ? (values[field.key] as number[]) : [];
    return (
      <fieldset className={className} data-key={field.key} aria-invalid={own ? true : undefined}>
        <legend>
          <LabelText field={field} />
        </legend>
        {field.kind === "group" ? (
          <FormFields fields={field.fields} values={values} onChange={onChange} issues={issues} idPrefix={idPrefix} />
        ) : (
          <div className="form-choices">
            {field.options.map((option, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: an option's index is its value
              <label key={index} className="form-choice">
                <input
                  type="checkbox"
                  checked={chosen.includes(index)}
                  onChange={(e) =>
                    onChange(field.key, e.target.checked ? [...chosen, index] : chosen.filter((i) => i !== index))
                  }
                />{" "}
                {option.label}
              </label>
            ))}
          </div>
        )}
        <FieldNotes field={field} id={id} issues={own} />
      </fieldset>
    );
  }
  const described =
    [field.hint ? `${id}-hint` : "", own ? `${id}-issue` : ""].filter((part) => part !== "").join(" ") || undefined;
  return (
    <div className={className} data-key={field.key}>
      <label htmlFor={id}>
        <LabelText field={field} />
      </label>
      <FieldInput
        field={field}
        id={id}
        value={values[field.key]}
        onChange={(value) => onChange(field.key, value)}
        described={described}
        invalid={own !== undefined}
      />
      <FieldNotes field={field} id={id} issues={own} />
    </div>
  );
}

/**
 * The fields of a form read from a JSON Schema (see form-model.ts), each
 * with its label (required ones marked), hint and the API's issues about
 * it. Labels, hints and choices are the schema's text, rendered as text.
 */
export function FormFields({ fields, values, onChange, issues, idPrefix }: FormFieldsProps) {
  return (
    <>
      {fields.map((field) => (
        <Field key={field.key} field={field} values={values} onChange={onChange} issues={issues} idPrefix={idPrefix} />
      ))}
    </>
  );
}
