import { type FormEvent, useState } from "react";
import { useApi } from "../api/api-context.js";

/** Asks for an API token when the server refused the request without one (shown over the page). */
export function TokenPrompt() {
  const { setToken } = useApi();
  const [value, setValue] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim()) setToken(value.trim());
  };
  return (
    <div className="overlay">
      <form className="dialog" onSubmit={submit} aria-label="API token">
        <h2>API token</h2>
        <p>This Baton server needs a token. It is kept in this tab only (session storage).</p>
        <input
          type="password"
          name="token"
          aria-label="Token"
          autoComplete="off"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          // biome-ignore lint/a11y/noAutofocus: the prompt is the only thing to do
          autoFocus
        />
        <button type="submit" className="button primary">
          Use token
        </button>
      </form>
    </div>
  );
}
