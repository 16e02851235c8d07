import { useState } from "react";
import type { ErrorInfo } from "../api/api-types.js";

const shortStack = 6;

function StackTrace({ stack }: { stack: string }) {
  const lines = stack.split("\n");
  const [whole, setWhole] = useState(lines.length <= shortStack);
  return (
    <div className="stack">
      <pre>{whole ? stack : lines.slice(0, shortStack).join("\n")}</pre>
      {!whole && (
        <button type="button" className="link-button" onClick={() => setWhole(true)}>
          show the whole stack ({lines.length} lines)
        </button>
      )}
    </div>
  );
}

/** An error of a run, step or attempt: name, code, message, stack and cause, all as text. */
export function ErrorView({ error }: { error: ErrorInfo }) {
  return (
    <div className="error-box">
      <div className="error-title">
        <strong>{error.name}</strong>
        {error.code && <span className="error-code">{error.code}</span>}
        <span className="error-message">{error.message}</span>
      </div>
      {error.stack && <StackTrace stack={error.stack} />}
      {error.cause && (
        <div className="error-cause">
          <span className="muted">caused by</span>
          <ErrorView error={error.cause} />
        </div>
      )}
    </div>
  );
}
