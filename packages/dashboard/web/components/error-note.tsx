import { ApiRequestError } from "../api/api-client.js";

/** A failed request, in words: the API's code and message. */
export function ErrorNote({ error }: { error: Error }) {
  const code = error instanceof ApiRequestError ? `${error.code}: ` : "";
  return (
    <p role="alert" className="error-note">
      {code}
      {error.message}
    </p>
  );
}
